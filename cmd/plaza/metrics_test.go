package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"plaza/models"
	"plaza/models/store/storetest"
)

// scrape reads /metrics with the Prometheus text parser; header, when
// set, is added to the request ("Name: value").
func scrape(t *testing.T, in *instance, header ...string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, in.url("/metrics"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range header {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus text: %v", err)
	}
	return res.StatusCode, families
}

// metricValue is the value of the sample of family whose labels include
// all of want (name=value pairs); -1 when there is none.
func metricValue(families map[string]*dto.MetricFamily, family string, want ...string) float64 {
	f := families[family]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for _, w := range want {
			name, value, _ := strings.Cut(w, "=")
			if labels[name] != value {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// TestMetrics: /metrics is off by default; when on, it is Prometheus text
// for loopback clients and token holders only, counts requests by route
// pattern, and its queue gauges follow a delivery that cannot be made.
func TestMetrics(t *testing.T) {
	ctx := context.Background()
	off := startInstance(t, "127.0.0.3")
	if status, _ := scrape(t, off); status != http.StatusNotFound {
		t.Fatalf("metrics off by default: status %d, want 404", status)
	}

	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), func(c *Config) {
		c.Metrics.Enabled, c.Metrics.Token = true, "s3cret"
		c.Federation.DeliveryBackoff = time.Hour // the failed delivery stays pending
	})
	alice := a.createUser(t, "alice")
	status, families := scrape(t, a)
	if status != http.StatusOK {
		t.Fatalf("loopback scrape: status %d", status)
	}
	if metricValue(families, "plaza_delivery_queue_pending") != 0 || metricValue(families, "plaza_delivery_queue_oldest_pending_seconds") != 0 {
		t.Fatalf("queue gauges before any delivery: %v %v", metricValue(families, "plaza_delivery_queue_pending"),
			metricValue(families, "plaza_delivery_queue_oldest_pending_seconds"))
	}
	if metricValue(families, "go_goroutines") <= 0 || metricValue(families, "plaza_db_connections_open") < 0 {
		t.Error("runtime and pool gauges missing")
	}

	// Through a proxy on this machine every client comes from loopback:
	// a forwarded request needs the token.
	if status, _ := scrape(t, a, "X-Forwarded-For: 203.0.113.9"); status != http.StatusForbidden {
		t.Errorf("forwarded request without the token: status %d, want 403", status)
	}
	if status, _ := scrape(t, a, "X-Forwarded-For: 203.0.113.9", "Authorization: Bearer wrong"); status != http.StatusForbidden {
		t.Errorf("wrong token: status %d, want 403", status)
	}
	if status, _ := scrape(t, a, "X-Forwarded-For: 203.0.113.9", "Authorization: Bearer s3cret"); status != http.StatusOK {
		t.Errorf("token: status %d, want 200", status)
	}

	// A follower whose server is down: the Accept stays queued.
	down, err := net.Listen("tcp", "127.0.0.4:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(down) }()
	t.Cleanup(func() { _ = srv.Close() })
	base := "http://" + down.Addr().String() + "/users/bob"
	bob := &models.Account{Username: "bob", Domain: down.Addr().String(), ActorType: models.ActorPerson, URI: base,
		InboxURI: base + "/inbox", PublicKeyID: base + "#main-key", PublicKeyPEM: "-"}
	if err := a.store.UpsertRemoteAccount(ctx, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Social().Follow(ctx, alice, bob); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, families = scrape(t, a)
		if metricValue(families, "plaza_deliveries_total", "result=retry") >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no retry counted: %v", metricValue(families, "plaza_deliveries_total", "result=retry"))
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, with a deadline
	}
	if got := metricValue(families, "plaza_delivery_queue_pending"); got != 1 {
		t.Errorf("pending deliveries %v, want 1", got)
	}
	if got := metricValue(families, "plaza_delivery_queue_oldest_pending_seconds"); got <= 0 {
		t.Errorf("oldest pending %v s, want > 0", got)
	}

	// Requests are counted by route pattern, never by path.
	for range 2 {
		if _, err := testClient.Get(a.url("/api/v1/accounts/12345")); err != nil {
			t.Fatal(err)
		}
	}
	_, families = scrape(t, a)
	if got := metricValue(families, "plaza_http_requests_total", "route=/api/v1/accounts/:id", "code=404"); got != 2 {
		t.Errorf("requests for /api/v1/accounts/:id: %v, want 2", got)
	}

	// A signed inbox POST is counted by type and answer; a made-up type
	// is "other".
	body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": base + "/x/1",
		"type": "Nonsense-" + strings.Repeat("x", 10), "actor": base})
	req, _ := http.NewRequest(http.MethodPost, a.url("/inbox"), strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/activity+json")
	if res, err := testClient.Do(req); err == nil {
		res.Body.Close()
	}
	_, families = scrape(t, a)
	if got := metricValue(families, "plaza_inbox_activities_total", "type=other", "result=401"); got != 1 {
		t.Errorf("unsigned inbox POST of an unknown type: %v, want 1 (type other, 401)", got)
	}
}
