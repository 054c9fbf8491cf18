package federation

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/go-fed/httpsig"
)

// ErrForbiddenAddress is returned (wrapped) when a request would reach an
// address the SSRF guard refuses: any range of the IANA special-purpose
// address registries (loopback, private, link-local, CGNAT, documentation,
// 6to4, Teredo, …), multicast, and IPv6 outside 2000::/3.
var ErrForbiddenAddress = errors.New("forbidden address")

// maxRedirects bounds redirect chains; Mastodon follows at most a few too.
const maxRedirects = 5

// StatusError is a non-2xx answer from a remote server. 410 Gone means the
// remote object was deleted.
type StatusError struct {
	Code int
	URL  string
}

// Error describes the failed request.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// Signer is the key a request is signed with. A zero Signer means "do not
// sign" (WebFinger, for instance).
type Signer struct {
	KeyID      string
	PrivateKey *rsa.PrivateKey
}

// Transport is the only way Plaza talks to other servers: signed requests
// through an HTTP client with a timeout, a response size limit and an SSRF
// guard on every dialled address.
type Transport struct {
	cfg    Config
	client *http.Client
}

// NewTransport builds the HTTP client described by cfg.
func NewTransport(cfg Config) *Transport {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{
		Timeout:   cfg.RequestTimeout,
		KeepAlive: 30 * time.Second,
	}
	if !cfg.AllowPrivateAddresses {
		// Control runs after name resolution and before connect(2), on the
		// very IP being dialled, so DNS rebinding and redirects to internal
		// hosts are caught too.
		dialer.Control = guardControl
	}
	rt := &http.Transport{
		Proxy:                 nil, // never an environment proxy: it would bypass the guard
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   cfg.RequestTimeout,
		ResponseHeaderTimeout: cfg.RequestTimeout,
	}
	return &Transport{
		cfg: cfg,
		client: &http.Client{
			Transport: rt,
			Timeout:   cfg.RequestTimeout,
		},
	}
}

// guardControl refuses to connect to a non-public address.
func guardControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: unparsable address: %w", address, ErrForbiddenAddress)
	}
	if why := forbiddenReason(ap.Addr()); why != "" {
		return fmt.Errorf("dial %s %s (%s): %w", network, address, why, ErrForbiddenAddress)
	}
	return nil
}

// forbiddenIP reports whether ip is outside the public unicast internet.
func forbiddenIP(ip netip.Addr) bool {
	return forbiddenReason(ip) != ""
}

// specialRange is one entry of the IANA IPv4 and IPv6 Special-Purpose
// Address Registries (plus the IPv4 multicast and IPv6 deprecated ranges
// those registries leave to others). Every entry is refused, even those
// marked "globally reachable" (anycast DNS sinks, relays): no fediverse
// server lives there.
type specialRange struct {
	prefix netip.Prefix
	name   string
}

// specialRanges is read-only. The first match names the refusal, so a
// range comes before any range that contains it.
var specialRanges = []specialRange{
	// IPv4 (RFC 6890 and successors)
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private use"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private use"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation (TEST-NET-1)"},
	{netip.MustParsePrefix("192.31.196.0/24"), "AS112-v4"},
	{netip.MustParsePrefix("192.52.193.0/24"), "AMT"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast (deprecated)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private use"},
	{netip.MustParsePrefix("192.175.48.0/24"), "direct delegation AS112"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation (TEST-NET-2)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation (TEST-NET-3)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "limited broadcast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},

	// IPv6 (RFC 6890 and successors). ::ffff:0:0/96 (IPv4-mapped) and
	// 64:ff9b::/96 (NAT64) are judged by the IPv4 address they carry.
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "IPv4-translated (SIIT)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation"},
	{netip.MustParsePrefix("100::/64"), "discard only"},
	{netip.MustParsePrefix("100:0:0:1::/64"), "dummy prefix"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("2620:4f:8000::/48"), "direct delegation AS112"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing SIDs"},
	{netip.MustParsePrefix("fc00::/7"), "unique local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local unicast"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

var (
	// nat64Prefix is the well-known NAT64 prefix (RFC 6052), which DNS64
	// resolvers put in front of an IPv4-only server's address; RFC 6052
	// forbids it for non-global IPv4 addresses, so the embedded one decides.
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	// globalUnicast is the only IPv6 space IANA allocates to the internet.
	globalUnicast = netip.MustParsePrefix("2000::/3")
)

// forbiddenReason says why ip may not be dialled, or returns "" for a
// public unicast address.
func forbiddenReason(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid address"
	}
	ip = ip.WithZone("") // a zoned address matches no prefix
	if ip.Is4In6() {
		if why := forbiddenReason(ip.Unmap()); why != "" {
			return "IPv4-mapped " + why
		}
		return ""
	}
	if nat64Prefix.Contains(ip) {
		b := ip.As16()
		if why := forbiddenReason(netip.AddrFrom4([4]byte(b[12:]))); why != "" {
			return "NAT64 of " + why
		}
		return ""
	}
	for _, r := range specialRanges {
		if r.prefix.Contains(ip) {
			return r.name + " " + r.prefix.String()
		}
	}
	if ip.Is6() && !globalUnicast.Contains(ip) {
		return "outside global unicast " + globalUnicast.String()
	}
	return ""
}

// checkURL refuses anything but absolute http(s) URLs.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parse url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("url %q: scheme %q not allowed", raw, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("url %q: no host", raw)
	}
	return u, nil
}

// Get fetches url with a signed GET (authorized fetch) and returns the body.
// accept defaults to application/activity+json. A non-2xx answer is a
// *StatusError.
func (t *Transport) Get(ctx context.Context, url string, signer Signer, accept string) ([]byte, error) {
	if accept == "" {
		accept = "application/activity+json"
	}
	return t.do(ctx, http.MethodGet, url, signer, nil, accept)
}

// Post delivers body to url with a signed POST carrying a SHA-256 Digest.
// A non-2xx answer is a *StatusError.
func (t *Transport) Post(ctx context.Context, url string, signer Signer, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	_, err := t.do(ctx, http.MethodPost, url, signer, body, "application/activity+json")
	return err
}

func (t *Transport) do(ctx context.Context, method, rawURL string, signer Signer, body []byte, accept string) ([]byte, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, rawURL, err)
	}
	if err := t.refuseHost(ctx, u.Host); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, rawURL, err)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, rawURL, err)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", t.cfg.UserAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/activity+json")
		sum := sha256.Sum256(body)
		req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	}
	if err := sign(req, signer); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, rawURL, err)
	}

	// A client per call shares the connection pool but lets the redirect
	// policy re-sign each hop for this request's signer.
	client := *t.client
	client.CheckRedirect = func(next *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		if next.URL.Scheme != "http" && next.URL.Scheme != "https" {
			return fmt.Errorf("redirect to scheme %q not allowed", next.URL.Scheme)
		}
		if err := t.refuseHost(ctx, next.URL.Host); err != nil {
			return fmt.Errorf("redirect: %w", err)
		}
		// The signature covers (request-target) and host, so the old one
		// is wrong for the new location.
		next.Header.Del("Signature")
		next.Header.Del("Date")
		if next.Method == http.MethodGet {
			// A 301/302/303 turned a POST into a body-less GET.
			next.Header.Del("Digest")
			next.Header.Del("Content-Type")
		}
		return sign(next, signer)
	}

	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, rawURL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, t.cfg.MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, rawURL, err)
	}
	if int64(len(data)) > t.cfg.MaxResponseBytes {
		return nil, fmt.Errorf("%s %s: response larger than %d bytes", method, rawURL, t.cfg.MaxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("%s: %w", method, &StatusError{Code: resp.StatusCode, URL: rawURL})
	}
	return data, nil
}

// refuseHost asks Config.RefuseHost, if set, whether host may be contacted.
func (t *Transport) refuseHost(ctx context.Context, host string) error {
	if t.cfg.RefuseHost == nil {
		return nil
	}
	return t.cfg.RefuseHost(ctx, strings.ToLower(host))
}

// sign adds Date and a draft-cavage Signature (rsa-sha256) over
// (request-target) host date, plus digest when the request has one. A zero
// signer leaves the request unsigned.
func sign(req *http.Request, signer Signer) error {
	return signAt(req, signer, time.Now())
}

// signAt is sign with the Date taken from now.
func signAt(req *http.Request, signer Signer, now time.Time) error {
	if signer.PrivateKey == nil {
		return nil
	}
	headers := []string{httpsig.RequestTarget, "host", "date"}
	if req.Header.Get("Digest") != "" {
		headers = append(headers, "digest")
	}
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return fmt.Errorf("new signer: %w", err)
	}
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	// httpsig reads "host" from the header map; the client itself sends
	// URL.Host and ignores this entry, so it is removed afterwards.
	req.Header.Set("Host", req.URL.Host)
	defer req.Header.Del("Host")
	// The Digest header is already set, so no body is passed here.
	if err := s.SignRequest(signer.PrivateKey, signer.KeyID, req, nil); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	return nil
}

// Client returns the guarded HTTP client, for requests to other services
// that are not ActivityPub (Web Push). It follows no redirects.
func (t *Transport) Client() *http.Client {
	c := *t.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
