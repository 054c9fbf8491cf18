package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/server/ratelimit"
)

// RateLimitConfig says whose X-Forwarded-For to believe and how many
// requests the client API and the inboxes take.
type RateLimitConfig struct {
	// TrustedProxies are the addresses and CIDR ranges of reverse proxies
	// whose X-Forwarded-For / X-Real-IP name the client; from anyone else
	// the headers are ignored. Empty: trust none.
	TrustedProxies []string
	// API is per access token, or per client address without one.
	API ratelimit.Rule
	// Media is media uploads per access token (or address).
	Media ratelimit.Rule
	// Inbox is inbox deliveries per remote host (the host of the
	// signature's keyId) and sending address.
	Inbox ratelimit.Rule
}

// RateLimits applies the limits to an engine; NewRouter installs it before
// any route.
type RateLimits struct {
	proxies []string
	api     *ratelimit.Limiter
	media   *ratelimit.Limiter
	inbox   *ratelimit.Limiter
}

// NewRateLimits checks the trusted proxies (as gin parses them) and builds
// the limiters.
func NewRateLimits(cfg RateLimitConfig) (*RateLimits, error) {
	if err := gin.New().SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	return &RateLimits{
		proxies: cfg.TrustedProxies,
		api:     ratelimit.New(cfg.API),
		media:   ratelimit.New(cfg.Media),
		inbox:   ratelimit.New(cfg.Inbox),
	}, nil
}

// install sets whose forwarding headers c.ClientIP believes and adds the
// limits middleware. A nil RateLimits trusts no proxy and limits nothing:
// gin's own default would believe X-Forwarded-For from anyone.
func (l *RateLimits) install(r *gin.Engine) {
	var proxies []string
	if l != nil {
		proxies = l.proxies
	}
	if err := r.SetTrustedProxies(proxies); err != nil {
		_ = r.SetTrustedProxies(nil) // checked in NewRateLimits; never trust all
	}
	if l != nil {
		r.Use(l.middleware)
	}
}

// middleware counts the request against the limits its route falls under,
// before any handler works on it; the client API's answers carry the
// X-RateLimit-* headers, and a refusal is Mastodon's 429.
func (l *RateLimits) middleware(c *gin.Context) {
	switch {
	case isInbox(c):
		if d := l.inbox.Allow(inboxKey(c)); !d.Allowed {
			refuse(c, d)
			return
		}
	case strings.HasPrefix(c.Request.URL.Path, "/api/"):
		key := clientKey(c)
		d := l.api.Allow(key)
		if d.Allowed && isMediaUpload(c) {
			if m := l.media.Allow(key); !m.Allowed {
				d = m
			}
		}
		if !d.Allowed {
			refuse(c, d)
			return
		}
		d.SetHeaders(c.Writer.Header())
	}
	c.Next()
}

func refuse(c *gin.Context, d ratelimit.Decision) {
	d.SetHeaders(c.Writer.Header())
	c.AbortWithStatusJSON(http.StatusTooManyRequests, gin.H{"error": "Too many requests"})
}

// clientKey is the request's access token (hashed: no secret is kept), or
// the client's address when it sends none.
func clientKey(c *gin.Context) string {
	token := c.Query("access_token")
	if h := c.GetHeader("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		token = strings.TrimSpace(h[7:])
	}
	if token == "" {
		return ratelimit.AddressKey(c.ClientIP())
	}
	sum := sha256.Sum256([]byte(token))
	return "token:" + hex.EncodeToString(sum[:16])
}

func isMediaUpload(c *gin.Context) bool {
	p := c.FullPath()
	return c.Request.Method == http.MethodPost && (p == "/api/v1/media" || p == "/api/v2/media")
}

func isInbox(c *gin.Context) bool {
	if c.Request.Method != http.MethodPost {
		return false
	}
	switch c.FullPath() {
	case "/inbox", "/actor/inbox", "/users/:username/inbox":
		return true
	}
	return false
}

// inboxKey is the remote host the delivery claims to come from (the host
// of the Signature's keyId, read without verifying anything) together with
// the sending address: a forger naming another server's key spends only
// his own address's share of that server's budget.
func inboxKey(c *gin.Context) string {
	return "inbox:" + keyIDHost(c.GetHeader("Signature")) + "|" + ratelimit.AddressKey(c.ClientIP())
}

// keyIDHost is the lower-cased host of the keyId parameter of a Signature
// header, "" when there is none.
func keyIDHost(sig string) string {
	for _, param := range strings.Split(sig, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(param), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "keyId") {
			continue
		}
		u, err := url.Parse(strings.Trim(strings.TrimSpace(value), `"`))
		if err != nil {
			return ""
		}
		return strings.ToLower(u.Hostname())
	}
	return ""
}
