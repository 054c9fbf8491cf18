package federation

import (
	"context"
	"fmt"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// BenchmarkCommitToFirstDelivery measures the time from the commit of a
// transaction that queues a delivery to its POST arriving at a receiving
// inbox on loopback. "woken" polls hourly, so only the commit's wake-up can
// start the delivery; "polled" loses every wake-up and polls each second
// (the default), as Plaza did before deliveries were woken at commit. An
// operation is one transaction + one POST, sequentially;
// ms-commit-to-POST/op leaves the enqueuing transaction out.
func BenchmarkCommitToFirstDelivery(b *testing.B) {
	b.Run("woken", func(b *testing.B) { benchCommitToDelivery(b, time.Hour, true) })
	b.Run("polled", func(b *testing.B) { benchCommitToDelivery(b, time.Second, false) })
}

func benchCommitToDelivery(b *testing.B, poll time.Duration, wakeups bool) {
	st, tr := newBenchRig(b)
	srv, got := arrivals(b)
	dv := NewDeliverer(DeliveryConfig{PollInterval: poll}, st, tr, testSigners, quiet)
	if !wakeups {
		dv.wakeups = func(context.Context) (<-chan struct{}, error) { return nil, nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = dv.Run(ctx) }()
	defer func() { cancel(); <-done }()
	var sinceCommit time.Duration
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("https://plaza.test/act/%d", i)
		if err := st.WithTx(ctx, func(tx *store.Store) error {
			return tx.EnqueueDelivery(ctx, &models.Delivery{ActivityURI: id, InboxURL: srv.URL + "/inbox", Domain: hostOf(srv.URL),
				SignerAccountID: 7, Payload: `{"id":"` + id + `","type":"Create"}`})
		}); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		awaitArrival(b, got, id, "never delivered")
		sinceCommit += time.Since(committed)
	}
	b.ReportMetric(float64(sinceCommit.Microseconds())/float64(b.N)/1000, "ms-commit-to-POST/op")
}

// newBenchRig is a fresh store and a loopback-allowing transport.
func newBenchRig(b *testing.B) (*store.Store, *Transport) {
	b.Helper()
	return storetest.Open(b), NewTransport(testCfg())
}
