package server

import "testing"

func TestKeyIDHost(t *testing.T) {
	for sig, want := range map[string]string{
		`keyId="https://Remote.Example/users/a#main-key",algorithm="rsa-sha256",signature="x"`: "remote.example",
		`algorithm="rsa-sha256", keyId="http://127.0.0.3:8080/actor#main-key"`:                 "127.0.0.3",
		`KeyId="https://b.example/k"`:         "b.example",
		`signature="keyId=https://c.example"`: "",
		``:                                    "",
		`keyId="::not a url"`:                 "",
	} {
		if got := keyIDHost(sig); got != want {
			t.Errorf("keyIDHost(%q) = %q, want %q", sig, got, want)
		}
	}
}

func TestNewRateLimitsChecksProxies(t *testing.T) {
	if _, err := NewRateLimits(RateLimitConfig{TrustedProxies: []string{"10.0.0.0/8", "::1", "192.168.1.5"}}); err != nil {
		t.Errorf("valid proxies refused: %v", err)
	}
	if _, err := NewRateLimits(RateLimitConfig{TrustedProxies: []string{"proxy.example"}}); err == nil {
		t.Error("a host name is accepted as a trusted proxy")
	}
}
