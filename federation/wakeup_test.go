package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// arrivals is a receiving inbox on loopback: it answers 202 and reports
// the id of each activity POSTed to it.
func arrivals(t testing.TB) (*httptest.Server, <-chan string) {
	t.Helper()
	got := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc struct {
			ID string `json:"id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&doc)
		w.WriteHeader(http.StatusAccepted)
		got <- doc.ID
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// awaitArrival waits, with a deadline, for id to reach the inbox.
func awaitArrival(t testing.TB, got <-chan string, id, why string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case a := <-got:
			if a == id {
				return
			}
		case <-deadline:
			t.Fatalf("%s never arrived: %s", id, why)
		}
	}
}

// queueDelivery commits one delivery of activity id to srv in its own
// transaction, as Publisher does.
func queueDelivery(t *testing.T, st *store.Store, srv *httptest.Server, id string) {
	t.Helper()
	ctx := context.Background()
	err := st.WithTx(ctx, func(tx *store.Store) error {
		return tx.EnqueueDelivery(ctx, &models.Delivery{ActivityURI: id, InboxURL: srv.URL + "/inbox", Domain: hostOf(srv.URL),
			SignerAccountID: 7, Payload: `{"id":"` + id + `","type":"Create"}`})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// startIdleDeliverer runs dv on st until the test ends and returns once it
// has delivered a first activity and gone idle: from then on only a wake-up
// or the poll makes it claim again.
func startIdleDeliverer(t *testing.T, dv *Deliverer, st *store.Store, srv *httptest.Server, got <-chan string) {
	t.Helper()
	queueDelivery(t, st, srv, "https://plaza.test/act/first")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = dv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	awaitArrival(t, got, "https://plaza.test/act/first", "the first claim at start")
	// The outcome is the last write of the batch; a batch smaller than the
	// limit is followed by the idle wait, not by another claim.
	eventually(t, "first outcome recorded", func() bool {
		h, err := st.InstanceHealthByDomain(context.Background(), hostOf(srv.URL))
		return err == nil && h.LastSuccessAt != nil
	})
}

func testSigners(context.Context, int64) (Signer, error) { return Signer{}, nil }

// eventually waits up to 20s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A delivery committed while the worker idles is attempted at once: with an
// hour between polls, only the commit's wake-up can send it in time.
func TestDeliveryStartsAtCommit(t *testing.T) {
	r := newRig(t, testCfg())
	srv, got := arrivals(t)
	dv := NewDeliverer(DeliveryConfig{PollInterval: time.Hour}, r.st, r.tr, testSigners, quiet)
	startIdleDeliverer(t, dv, r.st, srv, got)
	queueDelivery(t, r.st, srv, "https://plaza.test/act/second")
	awaitArrival(t, got, "https://plaza.test/act/second", "the commit did not wake the deliverer (poll interval 1h)")
}

// The poll is the safety net: with every wake-up lost, a delivery still
// goes out at the next poll.
func TestDeliveryPollCatchesLostWakeup(t *testing.T) {
	r := newRig(t, testCfg())
	srv, got := arrivals(t)
	dv := NewDeliverer(DeliveryConfig{PollInterval: 20 * time.Millisecond}, r.st, r.tr, testSigners, quiet)
	dv.wakeups = func(context.Context) (<-chan struct{}, error) { return nil, nil } // never fires
	startIdleDeliverer(t, dv, r.st, srv, got)
	queueDelivery(t, r.st, srv, "https://plaza.test/act/second")
	awaitArrival(t, got, "https://plaza.test/act/second", "the poll did not pick it up")
}

// Two Stores on one PostgreSQL database stand for two plaza serve
// processes: a post queued by one is delivered by the other's worker at
// once, woken by NOTIFY at commit.
func TestDeliveryWakesOtherProcessOnPostgres(t *testing.T) {
	if storetest.Driver() != store.DriverPostgres {
		t.Skip("needs PLAZA_TEST_DATABASE=postgres")
	}
	cfg := storetest.Config(t)
	open := func() *store.Store {
		st, err := store.Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	publishing, delivering := open(), open()
	if err := publishing.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv, got := arrivals(t)
	dv := NewDeliverer(DeliveryConfig{PollInterval: time.Hour}, delivering, NewTransport(testCfg()), testSigners, quiet)
	startIdleDeliverer(t, dv, delivering, srv, got)
	queueDelivery(t, publishing, srv, "https://plaza.test/act/second")
	awaitArrival(t, got, "https://plaza.test/act/second", "the other process's commit did not wake the deliverer (poll interval 1h)")
}
