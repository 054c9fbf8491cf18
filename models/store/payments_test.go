package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// A payment's ledger has one entry per cause (a Stripe event, an activity,
// a refund), however often and however concurrently it is recorded: the
// unique index behind the webhook's event-id record and the inbox's
// activity-id record.
func TestPaymentEventOncePerCause(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	now := time.Now().UTC()
	const paymentID = 42
	fresh := make([]bool, 5)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range fresh {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := s.AddPaymentEvent(ctx, &models.PaymentEvent{CreatedAt: now, OccurredAt: now, PaymentID: paymentID,
				State: models.PaymentSucceeded, Cause: "stripe:evt_1", Amount: 500})
			if err != nil {
				t.Error(err)
			}
			fresh[i] = ok
		}()
	}
	close(start)
	wg.Wait()
	n := 0
	for _, ok := range fresh {
		if ok {
			n++
		}
	}
	evs, err := s.PaymentEvents(ctx, paymentID)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(evs) != 1 {
		t.Fatalf("%d recordings reported fresh, %d ledger entries; want 1 and 1", n, len(evs))
	}
	// Another cause is another entry.
	if ok, err := s.AddPaymentEvent(ctx, &models.PaymentEvent{CreatedAt: now, OccurredAt: now, PaymentID: paymentID,
		State: models.PaymentRefunded, Cause: "stripe:evt_2", Amount: 500}); err != nil || !ok {
		t.Fatalf("second cause: %v %v", ok, err)
	}
}
