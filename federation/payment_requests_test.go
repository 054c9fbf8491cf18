package federation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"plaza/models"
)

// A request Proposal encodes and decodes back to the same request; the
// golden file is the wire example of docs/PAYMENTS.md.
func TestRequestEncodeRoundTrip(t *testing.T) {
	requester := &models.Account{ID: 2, Username: "alice", URI: "https://a.example/users/alice"}
	payer := &models.Account{ID: 1, Username: "bob", Domain: "b.example", URI: "https://b.example/users/bob", InboxURI: "https://b.example/users/bob/inbox"}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	r := &models.PaymentRequest{ID: 7, CreatedAt: now, UpdatedAt: now, ProposalURI: "https://a.example/payments/requests/117714000000000007",
		NoteURI: "https://a.example/users/alice/statuses/117714000000000006", ContextURI: "https://a.example/contexts/117714000000000001",
		Amount: 1000, Currency: "USD", Note: "dinner", ExpiresAt: now.Add(7 * 24 * time.Hour), State: models.RequestOpen,
		PayURL: "https://a.example/pay/9f86d081884c7d659a2feaa0c55ad015"}
	out := &models.PaymentOut{Payer: payer, Payee: requester, Request: &models.RequestOut{Request: r, Requester: requester, Payer: payer, Amount: "10.00"}}
	e := NewEncoder(nil)
	for _, tc := range []struct {
		typ   string
		actor *models.Account
		to    *models.Account
	}{{"Create", requester, payer}, {"Update", requester, payer}, {"Reject", payer, requester}} {
		doc, aud, err := e.paymentActivity(&models.Outgoing{Type: tc.typ, ID: r.ProposalURI + "/" + strings.ToLower(tc.typ), Actor: tc.actor, Payment: out})
		if err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if !aud.direct || len(aud.accounts) != 1 || aud.accounts[0] != tc.to {
			t.Fatalf("%s: audience %+v", tc.typ, aud)
		}
		doc["@context"] = PaymentContext(tc.actor.URI)
		body, _ := json.MarshalIndent(doc, "", "  ")
		if tc.typ == "Create" {
			golden := filepath.Join("testdata", "plaza", "create_request.json")
			want, err := os.ReadFile(golden)
			if os.Getenv("PLAZA_TEST_UPDATE_GOLDEN") != "" || os.IsNotExist(err) {
				_ = os.WriteFile(golden, append(body, '\n'), 0o644)
			} else if string(want) != string(body)+"\n" {
				t.Errorf("Create(Proposal) differs from %s:\n%s", golden, body)
			}
		}
		act, err := DecodeActivity(body)
		if err != nil {
			t.Fatalf("%s: DecodeActivity: %v", tc.typ, err)
		}
		if tc.typ != "Reject" && !IsPaymentActivity(act) {
			t.Errorf("%s: not a payment activity: %+v", tc.typ, act)
		}
		got, err := DecodePayment(body)
		if err != nil {
			t.Fatalf("%s: decode: %v", tc.typ, err)
		}
		if tc.typ == "Reject" {
			if got.OfferID != r.ProposalURI || got.Request != nil {
				t.Errorf("Reject: %+v", got)
			}
			continue
		}
		q := got.Request
		if q == nil || q.ProposalID != r.ProposalURI || q.Amount != "10.00" || q.Currency != "USD" || q.Payer != payer.URI || q.Receiver != requester.URI ||
			q.Attributed != requester.URI || q.NoteID != r.NoteURI || q.Context != r.ContextURI || q.PayURL != r.PayURL || q.Status != "open" ||
			!q.EndTime.Equal(r.ExpiresAt) || q.Content != "dinner" {
			t.Errorf("%s: %+v", tc.typ, q)
		}
	}
}

// A Proposal that is not a request, or has no id, is refused.
func TestRequestDecodeRejects(t *testing.T) {
	for name, obj := range map[string]map[string]any{
		"offer purpose": {"id": "https://a.example/p/1", "type": "Proposal", "purpose": "offer"},
		"no id":         {"type": "Proposal", "purpose": "request"},
	} {
		body, _ := json.Marshal(map[string]any{"id": "https://a.example/act/1", "type": "Create", "actor": "https://a.example/users/alice", "object": obj})
		if _, err := DecodePayment(body); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
