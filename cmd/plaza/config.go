package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"plaza/server/ratelimit"
	"plaza/server/service/payments"
)

// Config is Plaza's whole configuration. yaml tags are the key names; every
// key can also be set from the environment as PLAZA_<SECTION>_<KEY> (upper
// case, e.g. PLAZA_DATABASE_DSN) or PLAZA_<KEY> for top-level keys.
//
// Supported leaf types are string, bool, int kinds, time.Duration (written
// as a Go duration string, "10s") and lists of strings (a YAML list; in the
// environment comma-separated, "none" for an empty list). Nested structs are
// sections. A new key or
// section (e.g. a future `stripe` section) needs only a field here, a default
// in DefaultConfig and, if it has rules, a line in validate: YAML decoding and
// the environment overlay find it by reflection.
type Config struct {
	// Host is the public authority used in every ActivityPub id and handle.
	// It may carry a port ("127.0.0.2:8080").
	Host string `yaml:"host"`
	// Protocol is "https" or "http". Left empty it is derived from Host:
	// "http" for localhost, 127.0.0.0/8 and [::1] (any port), else "https".
	Protocol string `yaml:"protocol"`
	// Listen is the address the HTTP server binds, host:port.
	Listen string `yaml:"listen"`

	Instance   InstanceConfig   `yaml:"instance"`
	Database   DatabaseConfig   `yaml:"database"`
	Storage    StorageConfig    `yaml:"storage"`
	Federation FederationConfig `yaml:"federation"`
	Log        LogConfig        `yaml:"log"`
	Stripe     StripeConfig     `yaml:"stripe"`
	HTTP       HTTPConfig       `yaml:"http"`
	Debug      DebugConfig      `yaml:"debug"`
	Metrics    MetricsConfig    `yaml:"metrics"`
	Mail       MailConfig       `yaml:"mail"`
	Polls      PollsConfig      `yaml:"polls"`
	Moderation ModerationConfig `yaml:"moderation"`
}

// MailConfig is the SMTP server Plaza sends email through (sign-up
// confirmation, password reset, email change, admin notices). Email is off
// while Host is empty: sign-ups are then confirmed at once.
type MailConfig struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
	// Username and Password authenticate to the server (PLAIN); empty: none.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// TLS is "none", "starttls" (required, not opportunistic) or "tls"
	// (implicit TLS, usually port 465).
	TLS string `yaml:"tls"`
	// From is the sender address, e.g. "Plaza <noreply@example.com>".
	From string `yaml:"from"`
}

// PollsConfig holds how often ended polls are announced.
type PollsConfig struct {
	// ExpiryInterval is how often the server looks for polls that ended, to
	// notify their voters and authors (30s by default).
	ExpiryInterval time.Duration `yaml:"expiry_interval"`
}

// ModerationConfig holds the admins' defaults.
type ModerationConfig struct {
	// SuspensionGrace is how long after a suspension an admin can lift it
	// with the account's posts and follows intact.
	SuspensionGrace time.Duration `yaml:"suspension_grace"`
}

// DebugConfig holds the operator's diagnostics.
type DebugConfig struct {
	// Listen is the host:port of a separate listener serving net/http/pprof
	// under /debug/pprof/; empty (the default) is off. Bind it to loopback:
	// profiles reveal memory contents and cost CPU.
	Listen string `yaml:"listen"`
}

// MetricsConfig turns on /metrics (Prometheus text format) on the main
// listener.
type MetricsConfig struct {
	// Enabled serves /metrics; off by default.
	Enabled bool `yaml:"enabled"`
	// Token lets a scraper that is not on loopback read /metrics with
	// "Authorization: Bearer <token>"; empty allows loopback clients only.
	Token string `yaml:"token"`
}

// HTTPConfig holds who the HTTP server believes about client addresses and
// how many requests it takes (Mastodon's limits by default).
type HTTPConfig struct {
	// TrustedProxies are the reverse proxies (IP addresses or CIDR ranges)
	// whose X-Forwarded-For names the client; from any other peer the
	// header is ignored. Loopback by default, as GoToSocial does, for a
	// proxy on the same machine.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// API is client API requests per access token, or per address without
	// one.
	API RateConfig `yaml:"api"`
	// SignIn is sign-in attempts per address (web and OAuth forms).
	SignIn RateConfig `yaml:"sign_in"`
	// SignUp is sign-up attempts per address.
	SignUp RateConfig `yaml:"sign_up"`
	// Media is media uploads per access token.
	Media RateConfig `yaml:"media"`
	// Inbox is ActivityPub deliveries per remote host and sending address.
	Inbox RateConfig `yaml:"inbox"`
}

// RateConfig is a limit of Limit requests per Period (refilled evenly);
// Limit 0 means no limit.
type RateConfig struct {
	Limit  int           `yaml:"limit"`
	Period time.Duration `yaml:"period"`
}

// Rule converts the setting for the limiter.
func (r RateConfig) Rule() ratelimit.Rule { return ratelimit.Rule{Limit: r.Limit, Period: r.Period} }

// StripeConfig holds the payment settings. Payments are taken only when
// SecretKey is set; limits are exact decimals in major units of each
// currency ("0": no limit).
type StripeConfig struct {
	SecretKey     string `yaml:"secret_key"`
	WebhookSecret string `yaml:"webhook_secret"`
	// APIURL overrides Stripe's API address (stripe-mock for tests).
	APIURL string `yaml:"api_url"`
	// ApplicationFeePercent is the platform fee taken on each payment, an
	// exact decimal such as "2.5".
	ApplicationFeePercent string `yaml:"application_fee_percent"`
	MaxPayment            string `yaml:"max_payment"`
	MaxPerDay             string `yaml:"max_per_day"`
	// Currencies is a comma-separated list of ISO 4217 codes.
	Currencies string `yaml:"currencies"`
	// AgreementTTL is how long a payer has to pay an accepted offer.
	AgreementTTL time.Duration `yaml:"agreement_ttl"`
	// WebhookTolerance is how old a signed webhook may be.
	WebhookTolerance time.Duration `yaml:"webhook_tolerance"`
}

// InstanceConfig describes the instance to people and to other servers.
type InstanceConfig struct {
	Name              string `yaml:"name"`
	Description       string `yaml:"description"`
	OpenRegistrations bool   `yaml:"open_registrations"`
	ContactEmail      string `yaml:"contact_email"`
	// The longer texts of /api/v1/instance/{extended_description,
	// privacy_policy,terms_of_service}, plain text; an admin's saved text
	// wins over them.
	ExtendedDescription string `yaml:"extended_description"`
	PrivacyPolicy       string `yaml:"privacy_policy"`
	TermsOfService      string `yaml:"terms_of_service"`
}

// DatabaseConfig selects and tunes the store.
type DatabaseConfig struct {
	// Driver is "sqlite" or "postgres".
	Driver string `yaml:"driver"`
	// DSN is the SQLite file path or the PostgreSQL URL/keyword string. Left
	// empty it is "./data/plaza.db" for sqlite; postgres requires it.
	DSN          string `yaml:"dsn"`
	MaxOpenConns int    `yaml:"max_open_conns"`
}

// StorageConfig says where uploaded media live.
type StorageConfig struct {
	Path string `yaml:"path"`
	// MaxUploadBytes limits one uploaded media file.
	MaxUploadBytes int64 `yaml:"max_upload_bytes"`
	// RemoteMediaMaxBytes limits one remote file (avatar, header,
	// attachment) the remote media cache fetches; larger ones are refused.
	RemoteMediaMaxBytes int64 `yaml:"remote_media_max_bytes"`
	// FFmpegPath and FFprobePath are the programs video and audio uploads
	// go through (names are looked up on PATH); empty, or not installed,
	// refuses video and audio with a clear error.
	FFmpegPath  string `yaml:"ffmpeg_path"`
	FFprobePath string `yaml:"ffprobe_path"`
}

// FederationConfig holds the limits and switches of server-to-server traffic.
type FederationConfig struct {
	// AllowPrivateAddresses lets outgoing requests reach loopback and private
	// addresses (local multi-instance testing only).
	AllowPrivateAddresses bool `yaml:"allow_private_addresses"`
	// AllowlistMode federates only with the domains an admin allowed
	// (plaza admin domain allow); every other server is treated as blocked.
	AllowlistMode bool `yaml:"allowlist_mode"`
	// RequestTimeout bounds each outgoing request.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// MaxResponseBytes caps a remote response body that Plaza reads.
	MaxResponseBytes int64 `yaml:"max_response_bytes"`
	// InboxMaxBodyBytes caps a POST body accepted on an inbox.
	InboxMaxBodyBytes int64 `yaml:"inbox_max_body_bytes"`
	// SignatureMaxAge is how far an incoming signed request's Date may be
	// from now.
	SignatureMaxAge time.Duration `yaml:"signature_max_age"`
	// PaymentSignatureMaxAge is the tighter window for activities that move
	// a payment (Offer, Accept/Reject of one, Receipt).
	PaymentSignatureMaxAge time.Duration `yaml:"payment_signature_max_age"`
	// ActorRefreshAfter is how old a cached remote actor may get before it
	// is refetched.
	ActorRefreshAfter time.Duration `yaml:"actor_refresh_after"`
	// DeliveryWorkers is how many deliveries this process sends at once; 0
	// leaves sending to other processes sharing the database.
	DeliveryWorkers int `yaml:"delivery_workers"`
	// DeliveryPollInterval is how often idle workers look for due deliveries.
	DeliveryPollInterval time.Duration `yaml:"delivery_poll_interval"`
	// DeliveryLease is how long a claimed delivery stays claimed; a process
	// that dies mid-send leaves it to others after this.
	DeliveryLease time.Duration `yaml:"delivery_lease"`
	// DeliveryBackoff is the first retry delay; each retry doubles it (up to
	// 12h).
	DeliveryBackoff time.Duration `yaml:"delivery_backoff"`
	// DeliveryMaxAge is how long a delivery is retried before it is given up.
	DeliveryMaxAge time.Duration `yaml:"delivery_max_age"`
	// AuthorizedFetch requires a valid HTTP signature on ActivityPub GETs of
	// actors, objects and collections (Mastodon's "secure mode"); the
	// instance actor, WebFinger, NodeInfo and HTML pages stay public.
	AuthorizedFetch bool `yaml:"authorized_fetch"`
}

// LogConfig selects the slog handler.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

const (
	defaultSQLiteDSN = "./data/plaza.db"
	envPrefix        = "PLAZA"
)

// baseConfig is the configuration before derived defaults are filled in:
// what config.example.yaml spells out. Protocol and Database.DSN are empty
// here and derived from Host and Database.Driver by resolve.
func baseConfig() Config {
	return Config{
		Host:       "localhost:8080",
		Protocol:   "",
		Listen:     "127.0.0.1:8080",
		Polls:      PollsConfig{ExpiryInterval: 30 * time.Second},
		Moderation: ModerationConfig{SuspensionGrace: 30 * 24 * time.Hour},
		Instance: InstanceConfig{
			Name:              "Plaza",
			Description:       "",
			OpenRegistrations: false,
			ContactEmail:      "",
		},
		Database: DatabaseConfig{
			Driver:       "sqlite",
			DSN:          "",
			MaxOpenConns: 20,
		},
		Storage: StorageConfig{
			Path:                "./data/media",
			MaxUploadBytes:      16 << 20,
			RemoteMediaMaxBytes: 16 << 20,
			FFmpegPath:          "ffmpeg",
			FFprobePath:         "ffprobe",
		},
		Federation: FederationConfig{
			AllowPrivateAddresses:  false,
			RequestTimeout:         10 * time.Second,
			MaxResponseBytes:       1 << 20,
			InboxMaxBodyBytes:      1 << 20,
			SignatureMaxAge:        time.Hour,
			PaymentSignatureMaxAge: 5 * time.Minute,
			ActorRefreshAfter:      24 * time.Hour,
			DeliveryWorkers:        2,
			DeliveryPollInterval:   time.Second,
			DeliveryLease:          2 * time.Minute,
			DeliveryBackoff:        30 * time.Second,
			DeliveryMaxAge:         72 * time.Hour,
			AuthorizedFetch:        false,
		},
		Mail: MailConfig{Port: 587, TLS: "starttls"},
		Log: LogConfig{
			Level:  "info",
			Format: "text",
		},
		Stripe: StripeConfig{
			SecretKey:             "",
			WebhookSecret:         "",
			APIURL:                "",
			ApplicationFeePercent: "0",
			MaxPayment:            "1000",
			MaxPerDay:             "5000",
			Currencies:            "USD,EUR",
			AgreementTTL:          24 * time.Hour,
			WebhookTolerance:      5 * time.Minute,
		},
		HTTP: HTTPConfig{
			TrustedProxies: []string{"127.0.0.1/32", "::1/128"},
			API:            RateConfig{Limit: 300, Period: 5 * time.Minute},
			SignIn:         RateConfig{Limit: 25, Period: 5 * time.Minute},
			SignUp:         RateConfig{Limit: 5, Period: 30 * time.Minute},
			Media:          RateConfig{Limit: 30, Period: 30 * time.Minute},
			Inbox:          RateConfig{Limit: 1500, Period: 5 * time.Minute},
		},
	}
}

// DefaultConfig is the configuration Plaza runs with when no file and no
// environment variable says otherwise, with derived fields filled in
// (protocol "http" for localhost:8080, SQLite at ./data/plaza.db). It equals
// LoadConfig("", nil).
func DefaultConfig() Config {
	c := baseConfig()
	c.resolve()
	return c
}

// LoadConfig reads the YAML file at path ("" means defaults only), then
// applies PLAZA_<SECTION>_<KEY> overrides looked up with lookupEnv (pass
// os.LookupEnv; nil means no environment), then fills derived defaults and
// validates. Every error is one line that names the offending key, e.g.
//
//	config: database.driver: must be "sqlite" or "postgres", got "mysql"
//	config: PLAZA_FEDERATION_REQUEST_TIMEOUT: invalid duration "abc"
//
// An environment variable set to the empty string counts as unset.
func LoadConfig(path string, lookupEnv func(string) (string, bool)) (Config, error) {
	c := baseConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %s", oneLine(err.Error()))
		}
		if err := decodeYAML(data, path, &c); err != nil {
			return Config{}, err
		}
	}
	if lookupEnv != nil {
		if err := applyEnv(&c, lookupEnv); err != nil {
			return Config{}, err
		}
	}
	c.resolve()
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// BaseURL is protocol://host, the prefix of every local ActivityPub id.
func (c Config) BaseURL() string {
	return c.Protocol + "://" + c.Host
}

// SlogLevel converts Level (already validated) to a slog.Level.
func (l LogConfig) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// resolve fills the derived defaults.
func (c *Config) resolve() {
	if c.Protocol == "" {
		if isLoopbackHost(c.Host) {
			c.Protocol = "http"
		} else {
			c.Protocol = "https"
		}
	}
	if c.Database.DSN == "" && c.Database.Driver == "sqlite" {
		c.Database.DSN = defaultSQLiteDSN
	}
}

// isLoopbackHost reports whether host (with or without a port) is localhost,
// an address in 127.0.0.0/8 or ::1.
func isLoopbackHost(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if strings.EqualFold(name, "localhost") {
		return true
	}
	if ip := net.ParseIP(name); ip != nil {
		return ip.IsLoopback()
	}
	return false
}

func (c *Config) validate() error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...))
	}

	if err := checkHost(c.Host); err != nil {
		return bad("host", "%v", err)
	}
	if c.Protocol != "http" && c.Protocol != "https" {
		return bad("protocol", `must be "https" or "http", got %q`, c.Protocol)
	}
	if m := c.Mail.TLS; m != "none" && m != "starttls" && m != "tls" {
		return bad("mail.tls", `must be "none", "starttls" or "tls", got %q`, m)
	}
	if c.Mail.Host != "" && (c.Mail.Port < 1 || c.Mail.Port > 65535 || c.Mail.From == "") {
		return bad("mail", "with mail.host set, mail.port must be 1-65535 and mail.from must be set")
	}
	if err := checkListen(c.Listen); err != nil {
		return bad("listen", "%v", err)
	}

	if strings.TrimSpace(c.Instance.Name) == "" {
		return bad("instance.name", "must not be empty")
	}
	if e := c.Instance.ContactEmail; e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n")) {
		return bad("instance.contact_email", "must be an e-mail address, got %q", e)
	}

	switch c.Database.Driver {
	case "sqlite":
	case "postgres":
		if c.Database.DSN == "" {
			return bad("database.dsn", `is required when database.driver is "postgres" (e.g. postgres://user@127.0.0.1:5432/plaza?sslmode=disable)`)
		}
	default:
		return bad("database.driver", `must be "sqlite" or "postgres", got %q`, c.Database.Driver)
	}
	if c.Database.MaxOpenConns <= 0 {
		return bad("database.max_open_conns", "must be greater than 0, got %d", c.Database.MaxOpenConns)
	}

	if strings.TrimSpace(c.Storage.Path) == "" {
		return bad("storage.path", "must not be empty")
	}
	if c.Storage.RemoteMediaMaxBytes <= 0 {
		return bad("storage.remote_media_max_bytes", "must be greater than 0, got %d", c.Storage.RemoteMediaMaxBytes)
	}
	if c.Storage.MaxUploadBytes <= 0 {
		return bad("storage.max_upload_bytes", "must be greater than 0, got %d", c.Storage.MaxUploadBytes)
	}

	f := c.Federation
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"federation.request_timeout", f.RequestTimeout},
		{"moderation.suspension_grace", c.Moderation.SuspensionGrace},
		{"federation.signature_max_age", f.SignatureMaxAge},
		{"federation.payment_signature_max_age", f.PaymentSignatureMaxAge},
		{"federation.actor_refresh_after", f.ActorRefreshAfter},
		{"federation.delivery_poll_interval", f.DeliveryPollInterval},
		{"federation.delivery_lease", f.DeliveryLease},
		{"federation.delivery_backoff", f.DeliveryBackoff},
		{"federation.delivery_max_age", f.DeliveryMaxAge},
	} {
		if d.v <= 0 {
			return bad(d.key, "must be a duration greater than 0, got %q", d.v.String())
		}
	}
	for _, n := range []struct {
		key string
		v   int64
	}{
		{"federation.max_response_bytes", f.MaxResponseBytes},
		{"federation.inbox_max_body_bytes", f.InboxMaxBodyBytes},
	} {
		if n.v <= 0 {
			return bad(n.key, "must be greater than 0, got %d", n.v)
		}
	}

	if f.DeliveryWorkers < 0 {
		return bad("federation.delivery_workers", "must be 0 or more, got %d", f.DeliveryWorkers)
	}

	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", `must be one of "debug", "info", "warn", "error", got %q`, c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return bad("log.format", `must be "text" or "json", got %q`, c.Log.Format)
	}
	if c.Debug.Listen != "" {
		if err := checkListen(c.Debug.Listen); err != nil {
			return bad("debug.listen", "%v", err)
		}
	}
	if err := c.HTTP.validate(bad); err != nil {
		return err
	}
	return c.Stripe.validate(bad)
}

// validate checks the http section.
func (hc HTTPConfig) validate(bad func(key, format string, args ...any) error) error {
	for _, p := range hc.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			return bad("http.trusted_proxies", "%q is not an IP address or CIDR range such as \"10.0.0.0/8\"", p)
		}
	}
	for _, r := range []struct {
		key string
		v   RateConfig
	}{
		{"http.api", hc.API}, {"http.sign_in", hc.SignIn}, {"http.sign_up", hc.SignUp},
		{"http.media", hc.Media}, {"http.inbox", hc.Inbox},
	} {
		if r.v.Limit < 0 {
			return bad(r.key+".limit", "must be 0 (no limit) or more, got %d", r.v.Limit)
		}
		if r.v.Limit > 0 && r.v.Period <= 0 {
			return bad(r.key+".period", "must be a duration greater than 0, got %q", r.v.Period.String())
		}
	}
	return nil
}

// validate checks the stripe section (payments.go beside this file holds
// the parsing it shares with the wiring).
func (sc StripeConfig) validate(bad func(key, format string, args ...any) error) error {
	if sc.SecretKey != "" && sc.WebhookSecret == "" {
		return bad("stripe.webhook_secret", "is required when stripe.secret_key is set")
	}
	if sc.APIURL != "" {
		if u, err := url.Parse(sc.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("stripe.api_url", "must be an http(s) URL, got %q", sc.APIURL)
		}
	}
	if _, err := feeBasisPoints(sc.ApplicationFeePercent); err != nil {
		return bad("stripe.application_fee_percent", "%v", err)
	}
	cur, err := sc.currencyList()
	if err != nil {
		return bad("stripe.currencies", "%v", err)
	}
	for _, l := range []struct{ key, v string }{{"stripe.max_payment", sc.MaxPayment}, {"stripe.max_per_day", sc.MaxPerDay}} {
		if l.v == "" || l.v == "0" {
			continue
		}
		for _, c := range cur {
			if _, err := payments.ParseAmount(l.v, c); err != nil {
				return bad(l.key, "must be an amount such as \"1000\" (%s), got %q", c, l.v)
			}
		}
	}
	if sc.AgreementTTL <= 0 {
		return bad("stripe.agreement_ttl", "must be a duration greater than 0, got %q", sc.AgreementTTL.String())
	}
	if sc.WebhookTolerance <= 0 {
		return bad("stripe.webhook_tolerance", "must be a duration greater than 0, got %q", sc.WebhookTolerance.String())
	}
	return nil
}

// currencyList splits and checks the currencies.
func (sc StripeConfig) currencyList() ([]string, error) {
	var out []string
	for _, c := range strings.Split(sc.Currencies, ",") {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if _, ok := payments.CurrencyExponent(c); !ok {
			return nil, fmt.Errorf("unknown ISO 4217 currency %q", c)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("must list at least one currency, such as \"USD,EUR\"")
	}
	return out, nil
}

// feeBasisPoints converts a percentage such as "2.5" to 250 basis points.
func feeBasisPoints(pct string) (int64, error) {
	if pct == "" || pct == "0" {
		return 0, nil
	}
	// Two decimals of a percent are basis points; JPY has none, USD two.
	n, err := payments.ParseAmount(pct, "USD")
	if err != nil || n >= 10000 {
		return 0, fmt.Errorf("must be a percentage from 0 to 99.99, got %q", pct)
	}
	return n, nil
}

// checkHost accepts a bare authority: hostname or IP literal, optional port.
func checkHost(host string) error {
	if host == "" {
		return errors.New("must not be empty")
	}
	if strings.Contains(host, "://") {
		return fmt.Errorf("must be a bare host[:port] without a scheme (set protocol instead), got %q", host)
	}
	if strings.ContainsAny(host, "/?#@ \t\r\n") {
		return fmt.Errorf("must be a bare host[:port] without path, query or user, got %q", host)
	}
	u, err := url.Parse("//" + host)
	if err != nil || u.Host != host || u.Hostname() == "" {
		return fmt.Errorf("must be a host[:port] such as \"example.com\" or \"127.0.0.2:8080\", got %q", host)
	}
	if p := u.Port(); p != "" || strings.HasSuffix(host, ":") {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("has an invalid port in %q", host)
		}
	}
	return nil
}

// checkListen accepts host:port, where host may be empty (all interfaces).
func checkListen(addr string) error {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must be host:port such as \"127.0.0.1:8080\", got %q", addr)
	}
	if strings.ContainsAny(h, "/ ") {
		return fmt.Errorf("must be host:port such as \"127.0.0.1:8080\", got %q", addr)
	}
	if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("has an invalid port in %q", addr)
	}
	return nil
}

// ---- YAML ----------------------------------------------------------------

// decodeYAML overlays the YAML document in data onto c. It walks the node
// tree against c's struct fields itself (rather than yaml.Decoder with
// KnownFields) so that unknown keys and bad values are reported as one line
// with the full dotted key, and so that values parse exactly as they do from
// the environment.
func decodeYAML(data []byte, path string, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // empty file
			return nil
		}
		return fmt.Errorf("config: %s: %s", path, oneLine(err.Error()))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("config: %s: must hold a single YAML document", path)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	return decodeNode(root, reflect.ValueOf(c).Elem(), "", path)
}

func decodeNode(n *yaml.Node, v reflect.Value, key, path string) error {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	where := func() string { return fmt.Sprintf("(%s line %d)", path, n.Line) }
	name := key
	if name == "" {
		name = path
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil // "key:" with no value keeps the default
	}
	if isSection(v.Type()) {
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("config: %s: must be a mapping of keys %s", name, where())
		}
		fields := fieldsByTag(v.Type())
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			childKey := joinKey(key, kn.Value)
			idx, ok := fields[kn.Value]
			if kn.Kind != yaml.ScalarNode || !ok {
				return fmt.Errorf("config: %s: unknown key (%s line %d)", childKey, path, kn.Line)
			}
			if seen[kn.Value] {
				return fmt.Errorf("config: %s: key given twice (%s line %d)", childKey, path, kn.Line)
			}
			seen[kn.Value] = true
			if err := decodeNode(vn, v.Field(idx), childKey, path); err != nil {
				return err
			}
		}
		return nil
	}
	if v.Type() == stringListType {
		return decodeList(n, v, name, where)
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("config: %s: must be a single value, not a list or mapping %s", name, where())
	}
	if err := setLeaf(v, n.Value); err != nil {
		return fmt.Errorf("config: %s: %v %s", name, err, where())
	}
	return nil
}

// decodeList sets the []string v from a YAML list of single values.
func decodeList(n *yaml.Node, v reflect.Value, name string, where func() string) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("config: %s: must be a list, such as [\"10.0.0.1\", \"192.168.0.0/16\"] %s", name, where())
	}
	list := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" {
			return fmt.Errorf("config: %s: every item must be a single value %s", name, where())
		}
		list = append(list, strings.TrimSpace(item.Value))
	}
	v.Set(reflect.ValueOf(list))
	return nil
}

// ---- environment ---------------------------------------------------------

func applyEnv(c *Config, lookupEnv func(string) (string, bool)) error {
	var err error
	walkLeaves(reflect.ValueOf(c).Elem(), nil, func(path []string, v reflect.Value) {
		if err != nil {
			return
		}
		name := envName(path)
		s, ok := lookupEnv(name)
		if !ok || s == "" {
			return
		}
		if e := setLeaf(v, s); e != nil {
			err = fmt.Errorf("config: %s: %v", name, e)
		}
	})
	return err
}

// testEnvPrefix is reserved for the test suite's own variables
// (PLAZA_TEST_DATABASE, ...), which are not configuration keys.
const testEnvPrefix = envPrefix + "_TEST_"

// checkEnvNames refuses a PLAZA_* variable in environ (os.Environ's
// "NAME=value" form) that names no configuration key, as an unknown YAML
// key is refused: a misspelt variable would otherwise be silently ignored.
// Empty variables count as unset; PLAZA_TEST_* belongs to the tests.
func checkEnvNames(environ []string) error {
	known := envNames()
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix+"_") || strings.HasPrefix(name, testEnvPrefix) || value == "" {
			continue
		}
		if _, ok := known[name]; ok {
			continue
		}
		if near := nearestName(name, known); near != "" {
			return fmt.Errorf("config: %s: unknown environment variable (did you mean %s?)", name, near)
		}
		return fmt.Errorf("config: %s: unknown environment variable (see config.example.yaml for the keys)", name)
	}
	return nil
}

// envNames is the set of environment variables that set a key.
func envNames() map[string]struct{} {
	c := baseConfig()
	out := map[string]struct{}{}
	walkLeaves(reflect.ValueOf(&c).Elem(), nil, func(path []string, _ reflect.Value) {
		out[envName(path)] = struct{}{}
	})
	return out
}

// nearestName is the known name closest to name in edit distance, if it is
// close enough to be a likely typo ("" otherwise).
func nearestName(name string, known map[string]struct{}) string {
	best, bestD := "", len(name)/3+1
	for k := range known {
		if d := editDistance(name, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// envName maps a key path such as [federation request_timeout] to
// PLAZA_FEDERATION_REQUEST_TIMEOUT.
func envName(path []string) string {
	return envPrefix + "_" + strings.ToUpper(strings.Join(path, "_"))
}

// ---- reflection helpers --------------------------------------------------

var (
	durationType   = reflect.TypeFor[time.Duration]()
	stringListType = reflect.TypeFor[[]string]()
)

func isSection(t reflect.Type) bool { return t.Kind() == reflect.Struct }

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func fieldsByTag(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name := tagName(f); f.IsExported() && name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}

// walkLeaves calls fn for every leaf field under v, in declaration order,
// with its key path (yaml tag names).
func walkLeaves(v reflect.Value, path []string, fn func(path []string, v reflect.Value)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := tagName(f)
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		p := append(append([]string(nil), path...), name)
		if isSection(f.Type) {
			walkLeaves(v.Field(i), p, fn)
			continue
		}
		fn(p, v.Field(i))
	}
}

func joinKey(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

// setLeaf parses s into the leaf v (string, bool, int kinds, time.Duration,
// or a comma-separated list where "none" is the empty list).
func setLeaf(v reflect.Value, s string) error {
	if v.Type() == stringListType {
		list := []string{}
		if strings.TrimSpace(s) != "none" {
			for _, item := range strings.Split(s, ",") {
				if item = strings.TrimSpace(item); item != "" {
					list = append(list, item)
				}
			}
		}
		v.Set(reflect.ValueOf(list))
		return nil
	}
	if v.Type() == durationType {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("invalid duration %q (use a Go duration such as \"10s\", \"5m\", \"24h\")", s)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("invalid boolean %q (use true or false)", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		clean := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
		n, err := strconv.ParseInt(clean, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("invalid integer %q", s)
		}
		v.SetInt(n)
	default:
		// A programmer error: a Config field of an unsupported type.
		panic(fmt.Sprintf("config: unsupported field type %s", v.Type()))
	}
	return nil
}

func oneLine(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r", "")
	parts := strings.Split(s, "\n")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, "; ")
}
