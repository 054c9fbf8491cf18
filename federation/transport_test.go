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

// TestForbiddenIPCoversTheSpecialPurposeRegistries walks the IANA IPv4 and
// IPv6 special-purpose address registries: an address inside each range is
// refused for that range's reason, and a public neighbour just outside it
// (where one exists) is allowed. IPv4 carried in IPv6 (mapped, NAT64) is
// judged by the IPv4 address.
func TestForbiddenIPCoversTheSpecialPurposeRegistries(t *testing.T) {
	for _, tc := range []struct {
		prefix  string // the range, as the refusal names it
		inside  string
		outside string // a public address next to the range; "" if none is public
	}{
		{"0.0.0.0/8", "0.255.255.255", "1.0.0.0"},
		{"10.0.0.0/8", "10.255.255.255", "11.0.0.0"},
		{"100.64.0.0/10", "100.127.255.255", "100.128.0.0"},
		{"127.0.0.0/8", "127.255.255.254", "128.0.0.1"},
		{"169.254.0.0/16", "169.254.169.254", "169.255.0.1"},
		{"172.16.0.0/12", "172.31.255.255", "172.32.0.0"},
		{"192.0.0.0/24", "192.0.0.9", "192.0.1.1"},
		{"192.0.2.0/24", "192.0.2.1", "192.0.3.1"},
		{"192.31.196.0/24", "192.31.196.1", "192.31.197.1"},
		{"192.52.193.0/24", "192.52.193.1", "192.52.194.1"},
		{"192.88.99.0/24", "192.88.99.1", "192.88.100.1"},
		{"192.168.0.0/16", "192.168.255.255", "192.169.0.1"},
		{"192.175.48.0/24", "192.175.48.1", "192.175.49.1"},
		{"198.18.0.0/15", "198.19.255.255", "198.20.0.1"},
		{"198.51.100.0/24", "198.51.100.1", "198.51.101.1"},
		{"203.0.113.0/24", "203.0.113.1", "203.0.114.1"},
		{"224.0.0.0/4", "239.255.255.255", "223.255.255.254"},
		{"240.0.0.0/4", "240.0.0.1", ""},
		{"255.255.255.255/32", "255.255.255.255", ""},

		{"::/128", "::", ""},
		{"::1/128", "::1", ""},
		{"::/96", "::7f00:1", ""},                 // ::127.0.0.1, IPv4-compatible
		{"::/96", "::5db8:d70e", ""},              // even a public IPv4 there
		{"::ffff:0:0:0/96", "::ffff:0:a00:1", ""}, // IPv4-translated 10.0.0.1
		{"127.0.0.0/8", "::ffff:127.0.0.1", ""},   // IPv4-mapped
		{"169.254.0.0/16", "::ffff:169.254.169.254", ""},
		{"10.0.0.0/8", "64:ff9b::a00:1", ""}, // NAT64 of 10.0.0.1
		{"127.0.0.0/8", "64:ff9b::7f00:1", ""},
		{"64:ff9b:1::/48", "64:ff9b:1::5db8:d70e", ""},
		{"100::/64", "100::1", ""},
		{"100:0:0:1::/64", "100:0:0:1::1", ""},
		{"2001::/32", "2001:0:4136:e378:8000:63bf:3fff:fdd2", ""}, // Teredo
		{"2001::/23", "2001:2::1", "2001:200::1"},                 // incl. 2001:2::/48 benchmarking
		{"2001::/23", "2001:20::1", ""},                           // ORCHIDv2
		{"2001:db8::/32", "2001:db8::1", "2001:db9::1"},
		{"2002::/16", "2002:a00:1::1", "2003::1"}, // 6to4 of 10.0.0.1
		{"2002::/16", "2002:5db8:d70e::1", ""},    // 6to4 of a public address: refused too
		{"2620:4f:8000::/48", "2620:4f:8000::1", "2620:4f:8001::1"},
		{"3fff::/20", "3fff::1", "3fff:1000::1"},
		{"5f00::/16", "5f00::1", ""},
		{"fc00::/7", "fd00::1", ""},
		{"fc00::/7", "fc00::1", ""},
		{"fe80::/10", "fe80::1", ""},
		{"fe80::/10", "fe80::1%eth0", ""}, // a zone does not hide it
		{"fec0::/10", "fec0::1", ""},
		{"ff00::/8", "ff02::1", ""},
		{"2000::/3", "4000::1", "2a00:1450:4001::1"}, // unallocated IPv6
	} {
		t.Run(tc.prefix+" "+tc.inside, func(t *testing.T) {
			why := forbiddenReason(netip.MustParseAddr(tc.inside))
			if !strings.HasSuffix(why, " "+tc.prefix) && !strings.Contains(why, " "+tc.prefix+" ") {
				t.Errorf("forbiddenReason(%s) = %q, want a refusal naming %s", tc.inside, why, tc.prefix)
			}
			if tc.outside != "" {
				if why := forbiddenReason(netip.MustParseAddr(tc.outside)); why != "" {
					t.Errorf("public neighbour %s refused: %s", tc.outside, why)
				}
			}
		})
	}
	for _, public := range []string{"93.184.215.14", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e", "2606:4700::6810:84e5"} {
		if why := forbiddenReason(netip.MustParseAddr(public)); why != "" {
			t.Errorf("public %s refused: %s", public, why)
		}
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
		targets = append(targets, "http://[::1]:"+strconv.Itoa(port)+"/",
			"http://[::7f00:1]:"+strconv.Itoa(port)+"/",     // IPv4-compatible 127.0.0.1
			"http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", // NAT64 of 169.254.169.254
			"http://[2002:a9fe:a9fe::1]/",                   // 6to4
			"http://[fec0::1]/",                             // site-local
			"http://[fe80::1%25lo]:"+strconv.Itoa(port)+"/") // zoned link-local
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
