package federation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"plaza/models"
)

// Agreement (Create and Update) and Receipt round-trip through the
// encoder and DecodeSupporter, and go to the supporter's inbox only.
func TestSupporterEncodeRoundTrip(t *testing.T) {
	bob := &models.Account{ID: 1, Username: "bob", Domain: "b.example", URI: "https://b.example/users/bob", InboxURI: "https://b.example/users/bob/inbox"}
	alice := &models.Account{ID: 2, Username: "alice", URI: "https://a.example/users/alice"}
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	end := now.AddDate(0, 1, 0)
	sub := &models.Subscription{ID: 42, CreatedAt: now, UpdatedAt: now, Amount: 500, Currency: "USD", State: models.SubscriptionActive,
		AgreementURI: "https://a.example/supporters/agreements/42", CurrentPeriodEnd: &end}
	inv := &models.SubscriptionInvoice{CreatedAt: now, InvoiceRef: "in_1", Amount: 500, Currency: "USD", Paid: true, PeriodStart: now, PeriodEnd: end}
	e := NewEncoder(nil)
	for _, so := range []*models.SupporterOut{
		{Subscription: sub, Creator: alice, Supporter: bob, Amount: "5.00"},
		{Subscription: sub, Creator: alice, Supporter: bob, Amount: "5.00", Invoice: inv, ReceiptURI: sub.AgreementURI + "/receipts/in_1"},
	} {
		doc, aud, err := e.supporterActivity(&models.Outgoing{Type: "Create", ID: "https://a.example/x", Actor: alice, Supporter: so})
		if err != nil {
			t.Fatal(err)
		}
		if !aud.direct || len(aud.accounts) != 1 || aud.accounts[0] != bob {
			t.Fatalf("audience %+v", aud)
		}
		body, _ := json.Marshal(doc)
		act := &models.APActivity{Type: "Create", Object: &models.APObject{Type: "Agreement"}, Raw: string(body)}
		if so.Invoice != nil {
			act.Object.Type = "Receipt"
		}
		if !IsSupporterActivity(act) || IsPaymentActivity(act) && so.Invoice == nil {
			t.Fatalf("not recognised: %s", body)
		}
		got, err := DecodeSupporter(body)
		if err != nil {
			t.Fatal(err)
		}
		if got.Actor != alice.URI || got.Creator != alice.URI || got.Supporter != bob.URI || got.AgreementID != sub.AgreementURI ||
			got.Amount != "5.00" || got.Currency != "USD" || !got.PeriodEnd.Equal(end) {
			t.Fatalf("decoded %+v from %s", got, body)
		}
		if so.Invoice != nil && (got.ObjectType != "Receipt" || got.ReceiptID != so.ReceiptURI || !got.PeriodStart.Equal(now)) {
			t.Fatalf("receipt %+v", got)
		}
		if so.Invoice == nil && (got.ObjectType != "Agreement" || got.State != "active") {
			t.Fatalf("agreement %+v", got)
		}
	}
	if _, err := DecodeSupporter([]byte(`{"id":"https://a.example/x","type":"Create","actor":"https://a.example/users/alice","object":{"type":"Note"}}`)); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("a Note: %v", err)
	}
}
