package federation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-fed/httpsig"
)

// signedOver signs req with k over exactly the given headers and returns
// the parameters of the Signature header it produced, by name, so a test
// can reassemble them in a hostile order.
func signedOver(t *testing.T, req *http.Request, k *testKey, headers ...string) map[string]string {
	t.Helper()
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	if err := s.SignRequest(k.signer.PrivateKey, k.signer.KeyID, req, nil); err != nil {
		t.Fatal(err)
	}
	req.Header.Del("Host")
	params := map[string]string{}
	for _, p := range strings.Split(req.Header.Get("Signature"), ",") {
		name, val, _ := strings.Cut(p, "=")
		params[name] = val
	}
	return params
}

// TestSignatureHeaderIsParsedStrictly: the signature header is read once,
// and what is checked (the covered headers) is what go-fed/httpsig
// verifies. A header that httpsig would read differently from Plaza —
// a second headers= parameter, a key in another case or with a leading
// space — is refused, even when its signature verifies over less.
func TestSignatureHeaderIsParsedStrictly(t *testing.T) {
	remote := newFakeRemote(t)
	alice := newTestKey(t, remote.url("/users/alice#main-key"))
	aliceAcc := remote.addActor(t, "alice", alice)
	r := newRig(t, testCfg())
	ctx := context.Background()
	full := `"(request-target) host date digest"`

	n := 0
	// request builds an inbox POST signed over covered, with the Signature
	// header assembled by header(params).
	request := func(covered []string, header func(p map[string]string) string) (*http.Request, []byte) {
		n++
		body := follow(aliceAcc.URI, remote.url(fmt.Sprintf("/follows/strict-%d", n)))
		req := inboxRequest(t, body, nil, time.Now())
		req.Header.Set("Digest", sha256Digest(body))
		p := signedOver(t, req, &alice, covered...)
		req.Header.Set("Signature", header(p))
		return req, body
	}
	all := []string{httpsig.RequestTarget, "host", "date", "digest"}
	dateOnly := []string{"date"}

	for _, tc := range []struct {
		name    string
		covered []string
		header  func(p map[string]string) string
		ok      bool
	}{
		{"canonical", all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",algorithm=" + p["algorithm"] + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		}, true},
		{"spaces after commas", all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ", algorithm=" + p["algorithm"] + ", headers=" + p["headers"] + ", signature=" + p["signature"]
		}, true},
		{"second headers parameter in another case", dateOnly, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",Headers=" + full + ",signature=" + p["signature"]
		}, false},
		{"second headers parameter after a space", dateOnly, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ", headers=" + full + ",signature=" + p["signature"]
		}, false},
		{"headers parameter twice", all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		}, false},
		{"keyId in another case", all, func(p map[string]string) string {
			return "keyid=" + p["keyId"] + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		}, false},
		{"signature twice", all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",signature=\"AAAA\",signature=" + p["signature"]
		}, false},
		{"unquoted value", all, func(p map[string]string) string {
			return "keyId=" + strings.Trim(p["keyId"], `"`) + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		}, false},
		{"a parameter without a value", all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",signature=" + p["signature"] + ",stray"
		}, false},
		{"covers only the date", dateOnly, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		}, false},
		{"no headers parameter (the draft's default is date)", dateOnly, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",signature=" + p["signature"]
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, body := request(tc.covered, tc.header)
			err := r.inbox.Receive(ctx, req, body, nil)
			if tc.ok && err != nil {
				t.Fatalf("Receive(%s): %v", req.Header.Get("Signature"), err)
			}
			if !tc.ok && !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("Receive(%s) = %v, want ErrUnauthorized", req.Header.Get("Signature"), err)
			}
		})
	}

	t.Run("Signature and Authorization both present", func(t *testing.T) {
		req, body := request(all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		})
		req.Header.Set("Authorization", "Signature keyId=\"https://elsewhere.test/k\",headers=\"date\",signature=\"AAAA\"")
		if err := r.inbox.Receive(ctx, req, body, nil); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("Receive = %v, want ErrUnauthorized", err)
		}
	})
	t.Run("two Signature header lines", func(t *testing.T) {
		req, body := request(all, func(p map[string]string) string {
			return "keyId=" + p["keyId"] + ",headers=" + p["headers"] + ",signature=" + p["signature"]
		})
		req.Header.Add("Signature", "keyId=\"https://elsewhere.test/k\",headers=\"date\",signature=\"AAAA\"")
		if err := r.inbox.Receive(ctx, req, body, nil); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("Receive = %v, want ErrUnauthorized", err)
		}
	})
}

// FuzzSignatureParams: the signature-header parser never panics, and what
// it accepts survives the trip through its canonical form both for itself
// and for go-fed/httpsig, which is handed that form to verify.
func FuzzSignatureParams(f *testing.F) {
	for _, seed := range []string{
		// Mastodon
		`keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="c2lnbmF0dXJl"`,
		// GoToSocial
		`keyId="https://gts.example/users/zork/main-key",algorithm="hs2019",headers="(request-target) host date digest",signature="c2ln"`,
		`keyId="k",algorithm="hs2019",created=1700000000,expires="1700000300",headers="(request-target) (created) (expires) host",signature="c2ln"`,
		`keyId="k", headers="date", signature="c2ln"`,
		`keyId="k",headers="date",Headers="(request-target) host date digest",signature="c2ln"`,
		`keyId="k",headers="date", headers="(request-target) host date digest",signature="c2ln"`,
		`keyId="k",headers="date",headers="date",signature="c2ln"`,
		`keyid="k",signature="c2ln"`,
		`keyId="a,b",signature="c2ln"`,
		`keyId="a\"b",signature="c2ln"`,
		`keyId="k",headers="date  host",signature="c2ln"`,
		`keyId="k",signature="c2ln",`,
		`keyId=k,signature="c2ln"`,
		`keyId="k",created=-1,signature="c2ln"`,
		`keyId="k",foo="bar",signature="c2ln"`,
		``,
		`=`,
		`"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p, err := parseSignature(v)
		if err != nil {
			return
		}
		canonical := p.String()
		again, err := parseSignature(canonical)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canonical, v, err)
		}
		if again.String() != canonical || again.KeyID != p.KeyID || again.Signature != p.Signature ||
			strings.Join(again.Headers, " ") != strings.Join(p.Headers, " ") {
			t.Fatalf("%q parsed as %+v, its canonical form %q as %+v", v, p, canonical, again)
		}
		req, _ := http.NewRequest(http.MethodGet, "http://plaza.test/actor", nil)
		req.Header.Set("Signature", "ignored")
		verifier, err := httpsig.NewVerifier(p.requestFor(req))
		if err != nil {
			if p.Created != "" || p.Expires != "" {
				return // httpsig checks the times against the clock
			}
			t.Fatalf("httpsig refuses canonical %q: %v", canonical, err)
		}
		if verifier.KeyId() != p.KeyID {
			t.Fatalf("httpsig reads keyId %q from %q, Plaza %q", verifier.KeyId(), canonical, p.KeyID)
		}
	})
}
