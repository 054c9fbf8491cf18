// Package metrics serves /metrics in Prometheus's text format: request
// counts and latency by route, what the inbox and the delivery queue did,
// and gauges read from the database at each scrape (queue depth, age of
// the oldest pending delivery, failing instances, payments by state, the
// connection pool). Only loopback clients and holders of the configured
// token may read it.
package metrics

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Snapshot is what the database says at a scrape.
type Snapshot struct {
	DeliveriesPending int64
	// OldestPending is when the oldest pending delivery was queued (zero
	// when none is).
	OldestPending    time.Time
	InstancesFailing int64
	PaymentsByState  map[string]int64
	Pool             sql.DBStats
}

// Source reads a Snapshot.
type Source func(ctx context.Context) (Snapshot, error)

// Metrics holds the collectors of one instance (no global registry, so
// tests and several instances in one process keep theirs apart).
type Metrics struct {
	reg        *prometheus.Registry
	token      string
	log        *slog.Logger
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	deliveries *prometheus.CounterVec
	inbox      *prometheus.CounterVec
	snapshot   snapshotCollector
}

// New returns the collectors; token, when not empty, lets a request with
// "Authorization: Bearer <token>" read /metrics from anywhere. The
// database gauges appear once SetSource is called.
func New(token string, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(), token: token, log: log,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "plaza_http_requests_total", Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "plaza_http_request_duration_seconds", Help: "Time to answer an HTTP request, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"method", "route"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "plaza_deliveries_total", Help: "Delivery attempts by result: delivered, retry, refused (4xx, given up), expired (given up after retries).",
		}, []string{"result"}),
		inbox: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "plaza_inbox_activities_total", Help: "Activities POSTed to the inboxes, by type and result.",
		}, []string{"type", "result"}),
	}
	m.snapshot.log = log
	m.reg.MustRegister(m.requests, m.latency, m.deliveries, m.inbox,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &m.snapshot)
	return m
}

// SetSource names where the database gauges come from; call it before
// serving (the business layer is built after the collectors its
// federation hooks feed).
func (m *Metrics) SetSource(src Source) { m.snapshot.src = src }

// Middleware counts and times every request by its route pattern (never
// the path itself: ids would make the label set grow without bound).
func (m *Metrics) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// Mount adds GET /metrics.
func (m *Metrics) Mount(r *gin.Engine) {
	serve := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogErrors{m.log}})
	r.GET("/metrics", func(c *gin.Context) {
		if !m.allowed(c.Request) {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "Metrics are served to loopback clients and to holders of metrics.token"})
			return
		}
		serve.ServeHTTP(c.Writer, c.Request)
	})
}

// allowed: the token, or a loopback peer that is not a proxy passing a
// request on (a reverse proxy on the same machine connects from loopback
// for every client, and says so in a forwarding header).
func (m *Metrics) allowed(r *http.Request) bool {
	if m.token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok && subtle.ConstantTimeCompare([]byte(got), []byte(m.token)) == 1 {
			return true
		}
	}
	for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DeliveryOutcome counts one delivery attempt.
func (m *Metrics) DeliveryOutcome(result string) {
	m.deliveries.WithLabelValues(result).Inc()
}

// inboxTypes are the activity types counted by name; any other type a
// remote server sends is "other", so it cannot grow the label set.
var inboxTypes = map[string]bool{
	"Create": true, "Update": true, "Delete": true, "Follow": true, "Accept": true, "Reject": true, "Undo": true,
	"Like": true, "Announce": true, "Block": true, "Flag": true, "Move": true, "Add": true, "Remove": true, "Offer": true,
}

// InboxActivity counts one activity POSTed to an inbox.
func (m *Metrics) InboxActivity(typ, result string) {
	if !inboxTypes[typ] {
		typ = "other"
	}
	m.inbox.WithLabelValues(typ, result).Inc()
}

// snapshotCollector reads the database at each scrape.
type snapshotCollector struct {
	src Source
	log *slog.Logger
}

var (
	descPending   = prometheus.NewDesc("plaza_delivery_queue_pending", "Deliveries waiting to be sent or retried.", nil, nil)
	descOldest    = prometheus.NewDesc("plaza_delivery_queue_oldest_pending_seconds", "Age of the oldest pending delivery (0 when none).", nil, nil)
	descFailing   = prometheus.NewDesc("plaza_federation_instances_failing", "Remote instances whose recent deliveries all failed.", nil, nil)
	descPayments  = prometheus.NewDesc("plaza_payments", "Payments by state.", []string{"state"}, nil)
	descPoolOpen  = prometheus.NewDesc("plaza_db_connections_open", "Open database connections.", nil, nil)
	descPoolInUse = prometheus.NewDesc("plaza_db_connections_in_use", "Database connections in use.", nil, nil)
	descPoolWait  = prometheus.NewDesc("plaza_db_connection_waits_total", "Times a query waited for a free connection.", nil, nil)
)

func (c *snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPending, descOldest, descFailing, descPayments, descPoolOpen, descPoolInUse, descPoolWait} {
		ch <- d
	}
}

func (c *snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	if c.src == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.src(ctx)
	if err != nil {
		c.log.Error("metrics: read the database", slog.Any("error", err))
		ch <- prometheus.NewInvalidMetric(descPending, err)
		return
	}
	oldest := 0.0
	if !s.OldestPending.IsZero() {
		oldest = time.Since(s.OldestPending).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(s.DeliveriesPending))
	ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, oldest)
	ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, float64(s.InstancesFailing))
	for state, n := range s.PaymentsByState {
		ch <- prometheus.MustNewConstMetric(descPayments, prometheus.GaugeValue, float64(n), state)
	}
	ch <- prometheus.MustNewConstMetric(descPoolOpen, prometheus.GaugeValue, float64(s.Pool.OpenConnections))
	ch <- prometheus.MustNewConstMetric(descPoolInUse, prometheus.GaugeValue, float64(s.Pool.InUse))
	ch <- prometheus.MustNewConstMetric(descPoolWait, prometheus.CounterValue, float64(s.Pool.WaitCount))
}

// slogErrors routes promhttp's error log to slog.
type slogErrors struct{ log *slog.Logger }

func (l slogErrors) Println(v ...any) {
	l.log.Error("metrics: serve", slog.Any("error", v))
}
