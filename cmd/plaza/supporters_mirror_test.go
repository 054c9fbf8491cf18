package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/supporters"
)

// mirroredOnB waits until B's mirror of bob's subscription is in state
// with its period ending at end and n receipts, then checks bob's
// /supporters page on B shows it.
func mirroredOnB(t *testing.T, b *instance, bob *models.Account, agreement string, state models.SubscriptionState, end time.Time, n int) {
	t.Helper()
	ctx := context.Background()
	var got *supporters.SubscriptionView
	eventually(t, "B mirrors the subscription as "+string(state), func() bool {
		views, err := b.svc.Supporters().Subscriptions(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range views {
			if v.AgreementURI == agreement {
				got = v
				return v.Remote && v.State == state && v.CurrentPeriodEnd != nil && v.CurrentPeriodEnd.Equal(end) && len(v.Invoices) == n
			}
		}
		return false
	})
	if got.Creator == nil || got.Creator.Username != "alice" || got.Price != "5.00" || got.Currency != "USD" {
		t.Fatalf("mirror on B: %+v creator %+v", got.Subscription, got.Creator)
	}
	_, page, _ := newPayBrowser(t, b, "bob").get(b.url("/supporters"))
	want := []string{`data-state="` + string(state) + `"`, "@alice@", "5.00 USD a month", "sub-remote"}
	if state != models.SubscriptionCanceled {
		want = append(want, `<time class="sub-renewal">`+end.Format("2006-01-02")+"</time>")
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("bob's /supporters on B lacks %q", w)
		}
	}
	if strings.Count(page, `class="sub-receipt"`) != n {
		t.Errorf("bob's /supporters on B does not list %d receipts", n)
	}
}

// refusedOnB: a replayed Receipt changes nothing; a Receipt signed by
// someone else than the creator, one naming an Agreement on another host,
// and one for a supporter not on B are refused and store nothing.
func refusedOnB(t *testing.T, a, b *instance, bob *models.Account, agreement string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	aliceOnB, erinOnB := b.resolve(t, "alice@"+a.host), b.resolve(t, "erin@"+a.host)
	receipt := func(id, actor, agreement, supporter string) *models.APActivity {
		raw, _ := json.Marshal(map[string]any{"id": id, "type": "Create", "actor": actor, "to": []string{supporter},
			"object": map[string]any{"id": agreement + "/receipts/in_forged", "type": "Receipt", "attributedTo": actor, "context": agreement,
				"status": "succeeded", "amount": "5.00", "currency": "USD", "startTime": now.Format(time.RFC3339), "endTime": now.AddDate(1, 0, 0).Format(time.RFC3339),
				"to": []string{supporter}}})
		return &models.APActivity{ID: id, Type: "Create", Actor: actor, Object: &models.APObject{ID: agreement + "/receipts/in_forged", Type: "Receipt"}, Raw: string(raw)}
	}
	before, err := b.svc.Supporters().Subscriptions(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	// Replay: the first period's Receipt again, under a new activity id.
	replay := receipt(a.url("/replay"), aliceOnB.URI, agreement, bob.URI)
	replay.Raw = strings.ReplaceAll(replay.Raw, "in_forged", "in_first")
	if _, err := b.svc.Supporters().ReceiveActivity(ctx, b.store, replay, aliceOnB); err != nil {
		t.Fatalf("replayed Receipt: %v", err)
	}
	for name, c := range map[string]struct {
		act    *models.APActivity
		signer *models.Account
	}{
		"signed by another":       {receipt(a.url("/forged/1"), erinOnB.URI, agreement, bob.URI), erinOnB},
		"agreement on B":          {receipt(a.url("/forged/2"), aliceOnB.URI, b.url("/supporters/agreements/1"), bob.URI), aliceOnB},
		"supporter not on B":      {receipt(a.url("/forged/3"), aliceOnB.URI, agreement, erinOnB.URI), aliceOnB},
		"actor is not the signer": {receipt(a.url("/forged/4"), aliceOnB.URI, agreement, bob.URI), erinOnB},
	} {
		handled, err := b.svc.Supporters().ReceiveActivity(ctx, b.store, c.act, c.signer)
		if !handled || !errors.Is(err, supporters.ErrForged) || !errors.Is(err, core.ErrForbidden) {
			t.Errorf("%s: handled %v, error %v", name, handled, err)
		}
	}
	after, err := b.svc.Supporters().Subscriptions(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) || len(after[0].Invoices) != len(before[0].Invoices) || !after[0].CurrentPeriodEnd.Equal(*before[0].CurrentPeriodEnd) {
		t.Fatalf("a replay or forgery changed B's mirror: %+v -> %+v", before[0].Subscription, after[0].Subscription)
	}
	if _, err := b.store.MirrorByAgreementForUpdate(ctx, b.url("/supporters/agreements/1")); err == nil {
		t.Fatal("a forged Agreement was stored")
	}
}
