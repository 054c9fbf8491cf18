package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const exampleConfigPath = "../../config.example.yaml"

// envMap returns a lookupEnv func backed by m.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "plaza.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigDefaults(t *testing.T) {
	want := Config{
		Host:     "localhost:8080",
		Protocol: "http",
		Listen:   "127.0.0.1:8080",
		Instance: InstanceConfig{Name: "Plaza"},
		Database: DatabaseConfig{Driver: "sqlite", DSN: "./data/plaza.db", MaxOpenConns: 20},
		Storage: StorageConfig{Path: "./data/media", MaxUploadBytes: 16 << 20, RemoteMediaMaxBytes: 16 << 20,
			FFmpegPath: "ffmpeg", FFprobePath: "ffprobe"},
		Federation: FederationConfig{
			RequestTimeout:    10 * time.Second,
			MaxResponseBytes:  1048576,
			InboxMaxBodyBytes: 1048576,
			SignatureMaxAge:   time.Hour, PaymentSignatureMaxAge: 5 * time.Minute,
			ActorRefreshAfter: 24 * time.Hour,
			DeliveryWorkers:   2, DeliveryPollInterval: time.Second, DeliveryLease: 2 * time.Minute,
			DeliveryBackoff: 30 * time.Second, DeliveryMaxAge: 72 * time.Hour,
		},
		Log:  LogConfig{Level: "info", Format: "text"},
		Mail: MailConfig{Port: 587, TLS: "starttls"},
		Stripe: StripeConfig{ApplicationFeePercent: "0", MaxPayment: "1000", MaxPerDay: "5000", Currencies: "USD,EUR",
			AgreementTTL: 24 * time.Hour, WebhookTolerance: 5 * time.Minute},
		HTTP: HTTPConfig{
			TrustedProxies: []string{"127.0.0.1/32", "::1/128"},
			API:            RateConfig{Limit: 300, Period: 5 * time.Minute},
			SignIn:         RateConfig{Limit: 25, Period: 5 * time.Minute},
			SignUp:         RateConfig{Limit: 5, Period: 30 * time.Minute},
			Media:          RateConfig{Limit: 30, Period: 30 * time.Minute},
			Inbox:          RateConfig{Limit: 1500, Period: 5 * time.Minute},
		},
		Polls:      PollsConfig{ExpiryInterval: 30 * time.Second},
		Moderation: ModerationConfig{SuspensionGrace: 30 * 24 * time.Hour},
	}
	if got := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultConfig() =\n%+v\nwant\n%+v", got, want)
	}
	for name, env := range map[string]func(string) (string, bool){
		"nil env":   nil,
		"empty env": envMap(nil),
	} {
		got, err := LoadConfig("", env)
		if err != nil {
			t.Fatalf("%s: LoadConfig: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: LoadConfig(\"\") =\n%+v\nwant\n%+v", name, got, want)
		}
	}
	if got := want.BaseURL(); got != "http://localhost:8080" {
		t.Errorf("BaseURL() = %q", got)
	}
}

func TestConfigEmptyFile(t *testing.T) {
	for _, body := range []string{"", "# only a comment\n", "---\n"} {
		got, err := LoadConfig(writeConfig(t, body), nil)
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if !reflect.DeepEqual(got, DefaultConfig()) {
			t.Errorf("%q: got %+v, want defaults", body, got)
		}
	}
}

func TestConfigFileOverrides(t *testing.T) {
	path := writeConfig(t, `
host: social.example.com
listen: "0.0.0.0:9000"
instance:
  name: Example Social
  description: "A place"
  open_registrations: true
  contact_email: admin@example.com
database:
  driver: postgres
  dsn: postgres://plaza@db:5432/plaza
  max_open_conns: 5
storage:
  path: /var/lib/plaza/media
federation:
  allow_private_addresses: true
  request_timeout: 3s
  max_response_bytes: 2_000_000
  inbox_max_body_bytes: 65536
  signature_max_age: 30m
  actor_refresh_after: 1h30m
log:
  level: debug
  format: json
`)
	got, err := LoadConfig(path, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Host:     "social.example.com",
		Protocol: "https",
		Listen:   "0.0.0.0:9000",
		Instance: InstanceConfig{Name: "Example Social", Description: "A place", OpenRegistrations: true, ContactEmail: "admin@example.com"},
		Database: DatabaseConfig{Driver: "postgres", DSN: "postgres://plaza@db:5432/plaza", MaxOpenConns: 5},
		Storage: StorageConfig{Path: "/var/lib/plaza/media", MaxUploadBytes: 16 << 20, RemoteMediaMaxBytes: 16 << 20,
			FFmpegPath: "ffmpeg", FFprobePath: "ffprobe"},
		Federation: FederationConfig{
			AllowPrivateAddresses:  true,
			RequestTimeout:         3 * time.Second,
			MaxResponseBytes:       2000000,
			InboxMaxBodyBytes:      65536,
			SignatureMaxAge:        30 * time.Minute,
			PaymentSignatureMaxAge: 5 * time.Minute,
			ActorRefreshAfter:      90 * time.Minute,
			DeliveryWorkers:        2, DeliveryPollInterval: time.Second, DeliveryLease: 2 * time.Minute,
			DeliveryBackoff: 30 * time.Second, DeliveryMaxAge: 72 * time.Hour,
		},
		Log:        LogConfig{Level: "debug", Format: "json"},
		Stripe:     baseConfig().Stripe,
		HTTP:       baseConfig().HTTP,
		Mail:       baseConfig().Mail,
		Polls:      baseConfig().Polls,
		Moderation: baseConfig().Moderation,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if got.Log.SlogLevel().String() != "DEBUG" {
		t.Errorf("SlogLevel = %v", got.Log.SlogLevel())
	}
}

func TestConfigPartialFileKeepsOtherDefaults(t *testing.T) {
	path := writeConfig(t, "federation:\n  request_timeout: 1m\ndatabase:\n")
	got, err := LoadConfig(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Federation.RequestTimeout = time.Minute
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestConfigEnvBeatsFile(t *testing.T) {
	path := writeConfig(t, `
host: file.example
listen: "127.0.0.1:1111"
instance:
  name: From File
database:
  driver: sqlite
  dsn: /tmp/file.db
federation:
  request_timeout: 5s
  allow_private_addresses: false
log:
  level: warn
`)
	env := envMap(map[string]string{
		"PLAZA_HOST":                               "127.0.0.2:8080",
		"PLAZA_LISTEN":                             "127.0.0.2:8080",
		"PLAZA_INSTANCE_NAME":                      "From Env",
		"PLAZA_INSTANCE_OPEN_REGISTRATIONS":        "true",
		"PLAZA_DATABASE_DRIVER":                    "postgres",
		"PLAZA_DATABASE_DSN":                       "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
		"PLAZA_DATABASE_MAX_OPEN_CONNS":            "7",
		"PLAZA_STORAGE_PATH":                       "/srv/media",
		"PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "true",
		"PLAZA_FEDERATION_REQUEST_TIMEOUT":         "250ms",
		"PLAZA_FEDERATION_MAX_RESPONSE_BYTES":      "4096",
		"PLAZA_LOG_FORMAT":                         "json",
		"PLAZA_LOG_LEVEL":                          "", // empty counts as unset: the file's "warn" stays
		"PLAZA_TEST_DATABASE":                      "postgres",
	})
	got, err := LoadConfig(path, env)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Host = "127.0.0.2:8080"
	want.Protocol = "http"
	want.Listen = "127.0.0.2:8080"
	want.Instance.Name = "From Env"
	want.Instance.OpenRegistrations = true
	want.Database = DatabaseConfig{Driver: "postgres", DSN: "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", MaxOpenConns: 7}
	want.Storage.Path = "/srv/media"
	want.Federation.AllowPrivateAddresses = true
	want.Federation.RequestTimeout = 250 * time.Millisecond
	want.Federation.MaxResponseBytes = 4096
	want.Log = LogConfig{Level: "warn", Format: "json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

// Every leaf key has an environment name derived from its yaml tags.
func TestConfigEnvNames(t *testing.T) {
	var names []string
	c := DefaultConfig()
	walkLeaves(reflect.ValueOf(&c).Elem(), nil, func(path []string, v reflect.Value) {
		names = append(names, envName(path))
		// Every leaf type must be one setLeaf supports (it panics otherwise).
		probe := reflect.New(v.Type()).Elem()
		_ = setLeaf(probe, "1")
	})
	for _, want := range []string{
		"PLAZA_HOST", "PLAZA_PROTOCOL", "PLAZA_LISTEN",
		"PLAZA_INSTANCE_NAME", "PLAZA_INSTANCE_OPEN_REGISTRATIONS", "PLAZA_INSTANCE_CONTACT_EMAIL",
		"PLAZA_DATABASE_DRIVER", "PLAZA_DATABASE_DSN", "PLAZA_DATABASE_MAX_OPEN_CONNS",
		"PLAZA_STORAGE_PATH",
		"PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "PLAZA_FEDERATION_REQUEST_TIMEOUT",
		"PLAZA_FEDERATION_MAX_RESPONSE_BYTES", "PLAZA_FEDERATION_INBOX_MAX_BODY_BYTES",
		"PLAZA_FEDERATION_SIGNATURE_MAX_AGE", "PLAZA_FEDERATION_ACTOR_REFRESH_AFTER",
		"PLAZA_LOG_LEVEL", "PLAZA_LOG_FORMAT",
		"PLAZA_STRIPE_SECRET_KEY", "PLAZA_STRIPE_WEBHOOK_SECRET", "PLAZA_STRIPE_API_URL",
		"PLAZA_STRIPE_APPLICATION_FEE_PERCENT", "PLAZA_STRIPE_MAX_PAYMENT", "PLAZA_STRIPE_MAX_PER_DAY", "PLAZA_STRIPE_CURRENCIES",
		"PLAZA_HTTP_TRUSTED_PROXIES", "PLAZA_HTTP_API_LIMIT", "PLAZA_HTTP_API_PERIOD", "PLAZA_HTTP_SIGN_IN_LIMIT",
		"PLAZA_HTTP_SIGN_UP_PERIOD", "PLAZA_HTTP_MEDIA_LIMIT", "PLAZA_HTTP_INBOX_LIMIT", "PLAZA_HTTP_INBOX_PERIOD",
	} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("no config key for %s (have %v)", want, names)
		}
	}
}

func TestConfigProtocolAuto(t *testing.T) {
	cases := []struct {
		host, protocol, want string
	}{
		{"localhost", "", "http"},
		{"localhost:8080", "", "http"},
		{"LOCALHOST:3000", "", "http"},
		{"127.0.0.1", "", "http"},
		{"127.0.0.2:8080", "", "http"},
		{"127.255.0.9:1", "", "http"},
		{"[::1]", "", "http"},
		{"[::1]:8080", "", "http"},
		{"example.com", "", "https"},
		{"example.com:8443", "", "https"},
		{"192.168.1.10:8080", "", "https"},
		{"localhost.example.com", "", "https"},
		{"localhost:8080", "https", "https"},
		{"example.com", "http", "http"},
	}
	for _, tc := range cases {
		env := map[string]string{"PLAZA_HOST": tc.host}
		if tc.protocol != "" {
			env["PLAZA_PROTOCOL"] = tc.protocol
		}
		got, err := LoadConfig("", envMap(env))
		if err != nil {
			t.Errorf("host %q protocol %q: %v", tc.host, tc.protocol, err)
			continue
		}
		if got.Protocol != tc.want {
			t.Errorf("host %q protocol %q: got protocol %q, want %q", tc.host, tc.protocol, got.Protocol, tc.want)
		}
	}

	// The same through the file, with an explicit protocol winning.
	got, err := LoadConfig(writeConfig(t, "host: localhost:8080\nprotocol: https\n"), nil)
	if err != nil || got.Protocol != "https" {
		t.Errorf("file protocol: got %q, %v", got.Protocol, err)
	}
}

func TestConfigRejectsUnknownKeys(t *testing.T) {
	cases := []struct{ body, key string }{
		{"hots: example.com\n", "config: hots: unknown key"},
		{"database:\n  drvier: sqlite\n", "config: database.drvier: unknown key"},
		{"federation:\n  request_timeout: 5s\n  timeout: 5s\n", "config: federation.timeout: unknown key"},
		{"stripe:\n  secret: sk_test\n", "config: stripe.secret: unknown key"},
	}
	for _, tc := range cases {
		_, err := LoadConfig(writeConfig(t, tc.body), nil)
		checkErr(t, tc.body, err, tc.key)
	}
}

func TestConfigRejectsInvalidValues(t *testing.T) {
	cases := []struct {
		name string
		yaml string            // file body, may be empty
		env  map[string]string // env, may be nil
		want string            // substring of the error; must start with "config: "
	}{
		// host
		{name: "empty host", env: nil, yaml: "host: \"\"\n", want: "config: host: must not be empty"},
		{name: "host with scheme", yaml: "host: https://example.com\n", want: "config: host: must be a bare host[:port] without a scheme"},
		{name: "host with path", yaml: "host: example.com/plaza\n", want: "config: host: must be a bare host[:port] without path"},
		{name: "host bad port", env: map[string]string{"PLAZA_HOST": "example.com:http"}, want: "config: host:"},
		{name: "host port only", env: map[string]string{"PLAZA_HOST": ":8080"}, want: "config: host:"},
		{name: "host port out of range", env: map[string]string{"PLAZA_HOST": "example.com:70000"}, want: "config: host: has an invalid port"},
		// stripe
		{name: "stripe key without webhook secret", env: map[string]string{"PLAZA_STRIPE_SECRET_KEY": "sk_test"}, want: "config: stripe.webhook_secret: is required"},
		{name: "stripe api url", yaml: "stripe:\n  api_url: localhost:12111\n", want: "config: stripe.api_url: must be an http(s) URL"},
		{name: "stripe fee", yaml: "stripe:\n  application_fee_percent: \"-1\"\n", want: "config: stripe.application_fee_percent:"},
		{name: "stripe currency", env: map[string]string{"PLAZA_STRIPE_CURRENCIES": "USD,XYZ"}, want: `config: stripe.currencies: unknown ISO 4217 currency "XYZ"`},
		{name: "stripe no currency", yaml: "stripe:\n  currencies: \",\"\n", want: "config: stripe.currencies: must list"},
		{name: "stripe max payment", yaml: "stripe:\n  max_payment: \"1.5.0\"\n", want: "config: stripe.max_payment:"},
		{name: "stripe max per day", env: map[string]string{"PLAZA_STRIPE_MAX_PER_DAY": "-3"}, want: "config: stripe.max_per_day:"},
		// protocol
		{name: "protocol", yaml: "protocol: ftp\n", want: `config: protocol: must be "https" or "http", got "ftp"`},
		{name: "protocol env", env: map[string]string{"PLAZA_PROTOCOL": "HTTPS"}, want: `config: protocol: must be "https" or "http", got "HTTPS"`},
		// listen
		{name: "listen no port", yaml: "listen: 127.0.0.1\n", want: "config: listen: must be host:port"},
		{name: "listen bad port", env: map[string]string{"PLAZA_LISTEN": "127.0.0.1:http"}, want: "config: listen: has an invalid port"},
		// instance
		{name: "instance name", yaml: "instance:\n  name: \"\"\n", want: "config: instance.name: must not be empty"},
		{name: "contact email", yaml: "instance:\n  contact_email: nobody\n", want: "config: instance.contact_email:"},
		{name: "open_registrations yaml", yaml: "instance:\n  open_registrations: maybe\n", want: `config: instance.open_registrations: invalid boolean "maybe"`},
		{name: "open_registrations env", env: map[string]string{"PLAZA_INSTANCE_OPEN_REGISTRATIONS": "yes"}, want: `config: PLAZA_INSTANCE_OPEN_REGISTRATIONS: invalid boolean "yes"`},
		// database
		{name: "driver", yaml: "database:\n  driver: mysql\n", want: `config: database.driver: must be "sqlite" or "postgres", got "mysql"`},
		{name: "driver env", env: map[string]string{"PLAZA_DATABASE_DRIVER": "mysql"}, want: `config: database.driver: must be "sqlite" or "postgres", got "mysql"`},
		{name: "postgres without dsn", env: map[string]string{"PLAZA_DATABASE_DRIVER": "postgres"}, want: "config: database.dsn: is required when database.driver is \"postgres\""},
		{name: "max_open_conns zero", yaml: "database:\n  max_open_conns: 0\n", want: "config: database.max_open_conns: must be greater than 0"},
		{name: "max_open_conns text", yaml: "database:\n  max_open_conns: many\n", want: `config: database.max_open_conns: invalid integer "many"`},
		{name: "max_open_conns env", env: map[string]string{"PLAZA_DATABASE_MAX_OPEN_CONNS": "1.5"}, want: `config: PLAZA_DATABASE_MAX_OPEN_CONNS: invalid integer "1.5"`},
		{name: "database not a mapping", yaml: "database: sqlite\n", want: "config: database: must be a mapping"},
		// storage
		{name: "storage path", yaml: "storage:\n  path: \"\"\n", want: "config: storage.path: must not be empty"},
		// federation
		{name: "duration yaml", yaml: "federation:\n  request_timeout: abc\n", want: `config: federation.request_timeout: invalid duration "abc"`},
		{name: "duration without unit", yaml: "federation:\n  request_timeout: 10\n", want: `config: federation.request_timeout: invalid duration "10"`},
		{name: "duration env", env: map[string]string{"PLAZA_FEDERATION_REQUEST_TIMEOUT": "abc"}, want: `config: PLAZA_FEDERATION_REQUEST_TIMEOUT: invalid duration "abc"`},
		{name: "duration zero", yaml: "federation:\n  request_timeout: 0s\n", want: "config: federation.request_timeout: must be a duration greater than 0"},
		{name: "duration negative", env: map[string]string{"PLAZA_FEDERATION_SIGNATURE_MAX_AGE": "-1h"}, want: "config: federation.signature_max_age: must be a duration greater than 0"},
		{name: "actor refresh zero", yaml: "federation:\n  actor_refresh_after: 0s\n", want: "config: federation.actor_refresh_after: must be a duration greater than 0"},
		{name: "max response bytes", yaml: "federation:\n  max_response_bytes: 0\n", want: "config: federation.max_response_bytes: must be greater than 0"},
		{name: "inbox max body bytes", env: map[string]string{"PLAZA_FEDERATION_INBOX_MAX_BODY_BYTES": "-5"}, want: "config: federation.inbox_max_body_bytes: must be greater than 0"},
		{name: "allow private env", env: map[string]string{"PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "on"}, want: `config: PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES: invalid boolean "on"`},
		{name: "leaf is a list", yaml: "federation:\n  request_timeout: [1s, 2s]\n", want: "config: federation.request_timeout: must be a single value"},
		// http
		{name: "trusted proxy", yaml: "http:\n  trusted_proxies: [\"10.0.0.0/8\", \"proxy.local\"]\n", want: `config: http.trusted_proxies: "proxy.local" is not an IP address or CIDR range`},
		{name: "trusted proxy env", env: map[string]string{"PLAZA_HTTP_TRUSTED_PROXIES": "10.0.0.300"}, want: `config: http.trusted_proxies: "10.0.0.300" is not`},
		{name: "trusted proxies scalar", yaml: "http:\n  trusted_proxies: 10.0.0.1\n", want: "config: http.trusted_proxies: must be a list"},
		{name: "trusted proxies nested", yaml: "http:\n  trusted_proxies: [[10.0.0.1]]\n", want: "config: http.trusted_proxies: every item must be a single value"},
		{name: "rate limit negative", env: map[string]string{"PLAZA_HTTP_API_LIMIT": "-1"}, want: "config: http.api.limit: must be 0 (no limit) or more"},
		{name: "rate period zero", yaml: "http:\n  inbox:\n    period: 0s\n", want: "config: http.inbox.period: must be a duration greater than 0"},
		// log
		{name: "log level", yaml: "log:\n  level: verbose\n", want: `config: log.level: must be one of "debug", "info", "warn", "error", got "verbose"`},
		{name: "log format", env: map[string]string{"PLAZA_LOG_FORMAT": "xml"}, want: `config: log.format: must be "text" or "json", got "xml"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.yaml != "" {
				path = writeConfig(t, tc.yaml)
			}
			_, err := LoadConfig(path, envMap(tc.env))
			checkErr(t, tc.name, err, tc.want)
		})
	}
}

func TestConfigFileErrors(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "missing.yaml"), nil)
	checkErr(t, "missing file", err, "config: open ")

	_, err = LoadConfig(writeConfig(t, "host: [unclosed\n"), nil)
	checkErr(t, "syntax error", err, "config: ")

	_, err = LoadConfig(writeConfig(t, "- a\n- b\n"), nil)
	checkErr(t, "top-level list", err, "must be a mapping")

	_, err = LoadConfig(writeConfig(t, "host: a.example\n---\nhost: b.example\n"), nil)
	checkErr(t, "two documents", err, "single YAML document")

	_, err = LoadConfig(writeConfig(t, "host: a.example\nhost: b.example\n"), nil)
	checkErr(t, "duplicate key", err, "config: host: key given twice")
}

func checkErr(t *testing.T, name string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %q", name, want)
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "config: ") {
		t.Errorf("%s: error %q does not start with \"config: \"", name, msg)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("%s: error is not one line: %q", name, msg)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("%s: error %q, want it to contain %q", name, msg, want)
	}
}

// config.example.yaml documents every option with its default: loading it
// must give exactly DefaultConfig (derived fields included, since the file
// leaves them empty = automatic), every key must be present with a value,
// and every key's environment name must be mentioned.
func TestConfigExampleMatchesDefaults(t *testing.T) {
	got, err := LoadConfig(exampleConfigPath, nil)
	if err != nil {
		t.Fatalf("LoadConfig(%s): %v", exampleConfigPath, err)
	}
	if !reflect.DeepEqual(got, DefaultConfig()) {
		t.Errorf("config.example.yaml =\n%+v\nDefaultConfig() =\n%+v", got, DefaultConfig())
	}

	// Decoding onto the pre-derivation defaults is the identity: the file
	// spells out exactly what DefaultConfig starts from.
	data, err := os.ReadFile(exampleConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	raw := baseConfig()
	zero := Config{}
	if err := decodeYAML(data, exampleConfigPath, &zero); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(zero, raw) {
		t.Errorf("config.example.yaml decoded onto a zero Config =\n%+v\nwant baseConfig()\n%+v", zero, raw)
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	walkLeaves(reflect.ValueOf(&raw).Elem(), nil, func(path []string, _ reflect.Value) {
		key := strings.Join(path, ".")
		n := lookupNode(doc.Content[0], path)
		if n == nil {
			t.Errorf("config.example.yaml: %s is missing", key)
		} else if n.ShortTag() == "!!null" {
			t.Errorf("config.example.yaml: %s has no value; show its default", key)
		}
		if !strings.Contains(string(data), "# env: "+envName(path)+"\n") {
			t.Errorf("config.example.yaml: %s lacks the comment \"# env: %s\"", key, envName(path))
		}
	})
}

func lookupNode(n *yaml.Node, path []string) *yaml.Node {
	for _, k := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// Lists are YAML lists in the file and comma-separated in the environment,
// where "none" is the empty list (an empty variable counts as unset).
func TestConfigTrustedProxies(t *testing.T) {
	got, err := LoadConfig(writeConfig(t, "http:\n  trusted_proxies:\n    - 10.0.0.5\n    - \"192.168.0.0/16\"\n"), nil)
	if err != nil || !reflect.DeepEqual(got.HTTP.TrustedProxies, []string{"10.0.0.5", "192.168.0.0/16"}) {
		t.Errorf("YAML list: %v, %v", got.HTTP.TrustedProxies, err)
	}
	got, err = LoadConfig(writeConfig(t, "http:\n  trusted_proxies: []\n"), nil)
	if err != nil || len(got.HTTP.TrustedProxies) != 0 {
		t.Errorf("YAML []: %v, %v", got.HTTP.TrustedProxies, err)
	}
	for env, want := range map[string][]string{
		"10.0.0.5, 2001:db8::/32,": {"10.0.0.5", "2001:db8::/32"},
		"none":                     {},
	} {
		got, err := LoadConfig("", envMap(map[string]string{"PLAZA_HTTP_TRUSTED_PROXIES": env}))
		if err != nil || !reflect.DeepEqual(got.HTTP.TrustedProxies, want) {
			t.Errorf("PLAZA_HTTP_TRUSTED_PROXIES=%q: %v, %v; want %v", env, got.HTTP.TrustedProxies, err, want)
		}
	}
	got, err = LoadConfig("", envMap(map[string]string{"PLAZA_HTTP_TRUSTED_PROXIES": ""}))
	if err != nil || !reflect.DeepEqual(got.HTTP.TrustedProxies, DefaultConfig().HTTP.TrustedProxies) {
		t.Errorf("empty variable: %v, %v; want the default", got.HTTP.TrustedProxies, err)
	}
}
