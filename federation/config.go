// Package federation speaks ActivityPub for Plaza: the signed transport with
// its SSRF guard, actor documents (ours and theirs), the resolver that finds
// and caches remote actors and keys, and the inbox that verifies HTTP
// signatures before handing activities to the business layer.
package federation

import (
	"context"
	"log/slog"
	"time"
)

// Config of the federation layer (cmd/plaza fills it from the YAML config).
type Config struct {
	// AllowPrivateAddresses lets requests reach loopback, private, link-local,
	// multicast, unspecified, CGNAT and the other special-purpose addresses
	// of the IANA registries (local testing only).
	AllowPrivateAddresses bool
	// RequestTimeout bounds a whole request, body included (default 10s).
	RequestTimeout time.Duration
	// MaxResponseBytes bounds a response body (default 1 MiB); larger ones
	// are an error.
	MaxResponseBytes int64
	// SignatureMaxAge is how far, either way, a signed Date may be from now
	// (default 1h).
	SignatureMaxAge time.Duration
	// PaymentSignatureMaxAge is the tighter window for activities that move
	// a payment (Offer, its Accept/Reject, Create/Update of a Receipt), so a
	// captured one cannot be replayed for long (default 5m).
	PaymentSignatureMaxAge time.Duration
	// ActorRefreshAfter is how long a fetched remote actor stays fresh
	// (default 24h).
	ActorRefreshAfter time.Duration
	// Scheme is used for WebFinger lookups of remote hosts: "https" (default)
	// or "http" (tests).
	Scheme string
	// UserAgent is sent with every request, e.g. "Plaza/0.1 (+https://host/)".
	UserAgent string
	// Logger receives the layer's logs; nil means slog.Default().
	Logger *slog.Logger
	// RefuseHost, when set, is asked before every outgoing request and
	// every redirect hop with the host (and port) about to be contacted; an
	// error stops the request. cmd/plaza sets it to the admin domain blocks
	// (RefuseBlockedDomains), so that neither a redirect nor a delivery
	// reaches a blocked server.
	RefuseHost func(ctx context.Context, host string) error
	// ObserveInbox, when set, hears of every activity POSTed to an inbox:
	// its type as sent (untrusted: bound the values before using them as
	// labels) and what Receive returned.
	ObserveInbox func(activityType string, err error)
	// KeyCacheSize bounds how many verified remote keys the inbox keeps in
	// memory (default 10,000; negative turns the cache off); KeyCacheTTL is
	// how long one is trusted without looking it up again (default 10m).
	KeyCacheSize int
	KeyCacheTTL  time.Duration
}

// withDefaults returns cfg with every zero value replaced by its default.
func (cfg Config) withDefaults() Config {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 1 << 20
	}
	if cfg.SignatureMaxAge <= 0 {
		cfg.SignatureMaxAge = time.Hour
	}
	if cfg.PaymentSignatureMaxAge <= 0 {
		cfg.PaymentSignatureMaxAge = 5 * time.Minute
	}
	if cfg.ActorRefreshAfter <= 0 {
		cfg.ActorRefreshAfter = 24 * time.Hour
	}
	if cfg.Scheme == "" {
		cfg.Scheme = "https"
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "Plaza"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.KeyCacheSize == 0 {
		cfg.KeyCacheSize = 10000
	}
	if cfg.KeyCacheTTL <= 0 {
		cfg.KeyCacheTTL = 10 * time.Minute
	}
	return cfg
}
