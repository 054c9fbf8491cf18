package federation

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The draft-cavage signature parameters, spelled as the draft spells them.
// go-fed/httpsig matches them case-sensitively and ignores anything else,
// so a parameter in another case would be read by one parser and not by
// the other: such headers are refused rather than guessed at.
const (
	paramKeyID     = "keyId"
	paramAlgorithm = "algorithm"
	paramHeaders   = "headers"
	paramSignature = "signature"
	paramCreated   = "created"
	paramExpires   = "expires"
)

var knownParams = []string{paramKeyID, paramAlgorithm, paramHeaders, paramSignature, paramCreated, paramExpires}

// signatureParams is a Signature header parsed strictly: every known
// parameter at most once and in its canonical case, every value a quoted
// string without commas or quotes (created and expires: digits).
type signatureParams struct {
	KeyID     string
	Algorithm string   // "" when absent
	Headers   []string // lower case, in signing order
	Signature string
	Created   string // digits, "" when absent
	Expires   string // digits, "" when absent
}

// HasSignature reports whether a request carries an HTTP signature, in a
// Signature header or as "Authorization: Signature …". It says nothing
// about whether the signature is well-formed or valid.
func HasSignature(h http.Header) bool {
	return len(signatureValues(h)) > 0
}

// signatureValues returns every signature a request carries; an empty
// Signature header is no signature.
func signatureValues(h http.Header) []string {
	var values []string
	for _, v := range h.Values("Signature") {
		if strings.TrimSpace(v) != "" {
			values = append(values, v)
		}
	}
	for _, auth := range h.Values("Authorization") {
		scheme, rest, ok := strings.Cut(auth, " ")
		if ok && strings.EqualFold(scheme, "Signature") {
			values = append(values, rest)
		}
	}
	return values
}

// readSignature finds the one signature of a request and parses it.
func readSignature(h http.Header) (*signatureParams, error) {
	values := signatureValues(h)
	switch len(values) {
	case 0:
		return nil, errors.New("request is not signed")
	case 1:
		return parseSignature(values[0])
	default:
		return nil, fmt.Errorf("request carries %d signatures, want one", len(values))
	}
}

// parseSignature parses the value of a Signature header (without the
// "Signature " scheme of the Authorization form).
func parseSignature(v string) (*signatureParams, error) {
	seen := map[string]string{}
	for _, part := range strings.Split(v, ",") {
		name, value, err := parseParam(part)
		if err != nil {
			return nil, err
		}
		if _, dup := seen[name]; dup {
			return nil, fmt.Errorf("signature parameter %q appears twice", name)
		}
		seen[name] = value
	}
	p := &signatureParams{
		KeyID:     seen[paramKeyID],
		Algorithm: seen[paramAlgorithm],
		Signature: seen[paramSignature],
		Created:   seen[paramCreated],
		Expires:   seen[paramExpires],
	}
	if p.KeyID == "" || p.Signature == "" {
		return nil, errors.New("signature without keyId or signature")
	}
	headers, ok := seen[paramHeaders]
	if !ok {
		headers = "date" // the draft's default
	}
	for _, h := range strings.Split(headers, " ") {
		if h == "" {
			return nil, fmt.Errorf("signature headers %q: empty entry", headers)
		}
		p.Headers = append(p.Headers, strings.ToLower(h))
	}
	return p, nil
}

// parseParam reads one name="value" pair. Whitespace around the pair is
// allowed (RFC 9110 lists), anywhere else it is not.
func parseParam(part string) (name, value string, err error) {
	part = strings.Trim(part, " \t")
	name, raw, ok := strings.Cut(part, "=")
	if !ok || name == "" || strings.ContainsAny(name, " \t\"") {
		return "", "", fmt.Errorf("malformed signature parameter %q", part)
	}
	for _, known := range knownParams {
		if name != known && strings.EqualFold(name, known) {
			return "", "", fmt.Errorf("signature parameter %q must be spelled %q", name, known)
		}
	}
	if name == paramCreated || name == paramExpires {
		value = strings.TrimSuffix(strings.TrimPrefix(raw, `"`), `"`)
		if value == "" || strings.Trim(value, "0123456789") != "" {
			return "", "", fmt.Errorf("signature parameter %s=%q is not a number", name, raw)
		}
		return name, value, nil
	}
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || strings.ContainsAny(raw[1:len(raw)-1], "\"\\") {
		return "", "", fmt.Errorf("signature parameter %s=%q is not a plain quoted string", name, raw)
	}
	return name, raw[1 : len(raw)-1], nil
}

// missing returns the first of want that the signature does not cover, or
// "" when it covers them all.
func (p *signatureParams) missing(want []string) string {
	for _, w := range want {
		if !slices.Contains(p.Headers, w) {
			return w
		}
	}
	return ""
}

// String renders the parameters in the one form go-fed/httpsig reads
// exactly as parseSignature did: known parameters only, no whitespace.
// Values hold no quote or backslash, so they are written as they are.
func (p *signatureParams) String() string {
	parts := []string{paramKeyID + `="` + p.KeyID + `"`}
	if p.Algorithm != "" {
		parts = append(parts, paramAlgorithm+`="`+p.Algorithm+`"`)
	}
	parts = append(parts, paramHeaders+`="`+strings.Join(p.Headers, " ")+`"`)
	if p.Created != "" {
		parts = append(parts, paramCreated+"="+p.Created)
	}
	if p.Expires != "" {
		parts = append(parts, paramExpires+"="+p.Expires)
	}
	parts = append(parts, paramSignature+`="`+p.Signature+`"`)
	return strings.Join(parts, ",")
}

// requestFor returns a shallow copy of req whose only signature is p in
// its canonical form, so httpsig verifies exactly the parameters checked
// here. httpsig also reads "host" from the header map, where a server
// request does not keep it.
func (p *signatureParams) requestFor(req *http.Request) *http.Request {
	r := *req
	r.Header = req.Header.Clone()
	r.Header.Del("Authorization")
	r.Header.Set("Signature", p.String())
	if r.Header.Get("Host") == "" && req.Host != "" {
		r.Header.Set("Host", req.Host)
	}
	return &r
}
