package federation

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-fed/httpsig"
)

func TestForbiddenIP(t *testing.T) {
	for _, tc := range []struct {
		ip        string
		forbidden bool
	}{
		{"127.0.0.1", true},
		{"::1", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"0.0.0.0", true},
		{"::", true},
		{"224.0.0.1", true},
		{"ff02::1", true},
		{"fe80::1", true},
		{"fd00::1", true},
		{"::ffff:127.0.0.1", true},
		{"64:ff9b::a00:1", true}, // NAT64 of 10.0.0.1
		{"93.184.215.14", false},
		{"2606:4700::6810:84e5", false},
		{"64:ff9b::5db8:d70e", false}, // NAT64 of a public address
	} {
		t.Run(tc.ip, func(t *testing.T) {
			if got := forbiddenIP(netip.MustParseAddr(tc.ip)); got != tc.forbidden {
				t.Errorf("forbiddenIP(%s) = %v, want %v", tc.ip, got, tc.forbidden)
			}
		})
	}
}

// TestTransportRefusesPrivateTargets goes through Get: the guard sits in the
// dialer's Control hook, which runs before connect(2), so no packet leaves
// for the non-loopback addresses below.
func TestTransportRefusesPrivateTargets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "{}") }))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port

	cfg := testCfg()
	cfg.AllowPrivateAddresses = false
	tr := NewTransport(cfg)
	targets := []string{
		srv.URL + "/",
		"http://localhost:" + strconv.Itoa(port) + "/",
		"http://10.1.2.3/",
		"http://169.254.169.254/latest/meta-data/",
		"http://100.64.0.1/",
		"http://[fd00::1]/",
	}
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		_ = l.Close()
		targets = append(targets, "http://[::1]:"+strconv.Itoa(port)+"/")
	}
	for _, u := range targets {
		t.Run(u, func(t *testing.T) {
			_, err := tr.Get(context.Background(), u, Signer{}, "")
			if !errors.Is(err, ErrForbiddenAddress) {
				t.Fatalf("Get(%s) = %v, want ErrForbiddenAddress", u, err)
			}
		})
	}

	// The same server is fine once private addresses are allowed.
	if _, err := NewTransport(testCfg()).Get(context.Background(), srv.URL+"/", Signer{}, ""); err != nil {
		t.Fatalf("allowed Get: %v", err)
	}
}

func TestTransportRefusesOtherSchemes(t *testing.T) {
	tr := NewTransport(testCfg())
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/x", "gopher://x/", "/relative"} {
		if _, err := tr.Get(context.Background(), u, Signer{}, ""); err == nil {
			t.Errorf("Get(%s) succeeded", u)
		}
	}
}

func TestTransportRedirects(t *testing.T) {
	final := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer final.Close()
	// /hop/N redirects to /hop/N-1; /hop/0 to the final server.
	var hops *httptest.Server
	hops = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case r.URL.Path == "/hop/0":
			http.Redirect(w, r, final.URL+"/done", http.StatusFound)
		default:
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
			http.Redirect(w, r, hops.URL+"/hop/"+strconv.Itoa(n-1), http.StatusFound)
		}
	}))
	defer hops.Close()

	tr := NewTransport(testCfg())
	if body, err := tr.Get(context.Background(), hops.URL+"/hop/2", Signer{}, ""); err != nil || string(body) != `{"ok":true}` {
		t.Fatalf("redirect chain: %q, %v", body, err)
	}
	if _, err := tr.Get(context.Background(), hops.URL+"/hop/9", Signer{}, ""); err == nil {
		t.Fatal("10 redirects followed")
	}
	if _, err := tr.Get(context.Background(), hops.URL+"/file", Signer{}, ""); err == nil {
		t.Fatal("redirect to file:// followed")
	}

	cfg := testCfg()
	cfg.AllowPrivateAddresses = false
	if _, err := NewTransport(cfg).Get(context.Background(), hops.URL+"/hop/2", Signer{}, ""); !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("guarded redirect chain: %v, want ErrForbiddenAddress", err)
	}
}

func TestTransportLimitsAndStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = w.Write(make([]byte, 1025))
		case "/fits":
			_, _ = w.Write(make([]byte, 1024))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		}
	}))
	defer srv.Close()
	cfg := testCfg()
	cfg.MaxResponseBytes = 1024
	cfg.RequestTimeout = 200 * time.Millisecond
	tr := NewTransport(cfg)
	ctx := context.Background()

	if _, err := tr.Get(ctx, srv.URL+"/big", Signer{}, ""); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big response: %v", err)
	}
	if b, err := tr.Get(ctx, srv.URL+"/fits", Signer{}, ""); err != nil || len(b) != 1024 {
		t.Errorf("response at the limit: %d bytes, %v", len(b), err)
	}
	start := time.Now()
	if _, err := tr.Get(ctx, srv.URL+"/slow", Signer{}, ""); err == nil {
		t.Error("slow response did not time out")
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("timeout not honoured: took %s", time.Since(start))
	}
	_, err := tr.Get(ctx, srv.URL+"/gone", Signer{}, "")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusGone {
		t.Errorf("410: %v", err)
	}
}

// TestTransportSigns checks GET and POST signatures as a receiving server
// would, with go-fed/httpsig.
func TestTransportSigns(t *testing.T) {
	k := newTestKey(t, "https://plaza.test/users/alice#main-key")
	pub, err := ParsePublicKeyPEM(k.pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		sig, digest, ctype string
		verifyErr          error
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := httpsig.NewVerifier(r)
		if err == nil {
			err = v.Verify(pub, httpsig.RSA_SHA256)
		}
		got <- seen{r.Header.Get("Signature"), r.Header.Get("Digest"), r.Header.Get("Content-Type"), err}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	tr := NewTransport(testCfg())

	if _, err := tr.Get(context.Background(), srv.URL+"/users/bob?x=1", k.signer, ""); err != nil {
		t.Fatal(err)
	}
	s := <-got
	if s.verifyErr != nil || !strings.Contains(s.sig, `headers="(request-target) host date"`) {
		t.Errorf("GET signature %q: %v", s.sig, s.verifyErr)
	}

	body := []byte(`{"type":"Follow"}`)
	if err := tr.Post(context.Background(), srv.URL+"/inbox", k.signer, body); err != nil {
		t.Fatal(err)
	}
	s = <-got
	if s.verifyErr != nil || !strings.Contains(s.sig, `headers="(request-target) host date digest"`) {
		t.Errorf("POST signature %q: %v", s.sig, s.verifyErr)
	}
	if err := checkDigest([]string{s.digest}, body); err != nil || !strings.HasPrefix(s.digest, "SHA-256=") {
		t.Errorf("digest %q", s.digest)
	}
	if s.ctype != "application/activity+json" {
		t.Errorf("content type %q", s.ctype)
	}
}
