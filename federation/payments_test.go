package federation

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"plaza/models"
)

func TestPaymentDecodeGolden(t *testing.T) {
	cases := []struct {
		file string
		want models.APPayment
	}{
		{"offer.json", models.APPayment{Type: "Offer", Actor: "https://b.example/users/bob", OfferID: "https://b.example/payments/p/117677067644666683/offer",
			ProposalID: "https://a.example/users/alice/proposal", IntentID: "https://a.example/users/alice/proposal#intent",
			Amount: "5.00", Currency: "USD", Content: "Thanks for the post", ReturnURL: "https://b.example/payments/p/117677067644666683",
			Context: "https://a.example/users/alice/statuses/117677000000000001"}},
		{"accept.json", models.APPayment{Type: "Accept", Actor: "https://a.example/users/alice", OfferID: "https://b.example/payments/p/117677067644666683/offer",
			AgreementID: "https://a.example/payments/p/117677067700000000/agreement", Amount: "5.00", Currency: "USD",
			AgreementURL: "https://a.example/payments/checkout/117677067700000000/9f86d081884c7d659a2feaa0c55ad015"}},
		{"reject.json", models.APPayment{Type: "Reject", OfferID: "https://b.example/payments/p/117677067644666684/offer",
			Reason: "the amount is over the limit of 1000.00 USD per payment"}},
		{"create_receipt.json", models.APPayment{Type: "Create", AgreementID: "https://a.example/payments/p/117677067700000000/agreement",
			ReceiptID: "https://a.example/payments/p/117677067700000000/receipt", Status: "succeeded", Amount: "5.00", Currency: "USD"}},
		{"update_receipt_refunded.json", models.APPayment{Type: "Update", Status: "refunded", Amount: "5.00", AmountRefunded: "5.00", Currency: "USD"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "plaza", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			act, err := DecodeActivity(body)
			if err != nil {
				t.Fatalf("DecodeActivity: %v", err)
			}
			if tc.want.Type != "Accept" && tc.want.Type != "Reject" && !IsPaymentActivity(act) {
				t.Fatalf("not recognised as a payment activity: %+v", act)
			}
			got, err := DecodePayment(body)
			if err != nil {
				t.Fatalf("DecodePayment: %v", err)
			}
			// Compare only the fields the case names.
			gv, wv := reflect.ValueOf(*got), reflect.ValueOf(tc.want)
			for i := 0; i < wv.NumField(); i++ {
				w := wv.Field(i)
				if w.IsZero() {
					continue
				}
				if !reflect.DeepEqual(gv.Field(i).Interface(), w.Interface()) {
					t.Errorf("%s = %v, want %v", wv.Type().Field(i).Name, gv.Field(i).Interface(), w.Interface())
				}
			}
		})
	}
}

func TestPaymentDecodeRejects(t *testing.T) {
	for name, body := range map[string]string{
		"not json":         `{`,
		"no actor":         `{"id":"https://b.example/o","type":"Offer","object":{"type":"Agreement"}}`,
		"offer of a note":  `{"id":"https://b.example/o","type":"Offer","actor":"https://b.example/users/bob","object":{"type":"Note"}}`,
		"create of a note": `{"id":"https://b.example/c","type":"Create","actor":"https://b.example/users/bob","object":{"type":"Note"}}`,
		"unrelated type":   `{"id":"https://b.example/l","type":"Like","actor":"https://b.example/users/bob","object":"https://x"}`,
	} {
		if _, err := DecodePayment([]byte(body)); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: %v, want ErrBadRequest", name, err)
		}
	}
	// A number on the wire is read as its exact text, never as a float.
	p, err := DecodePayment([]byte(`{"id":"https://b.example/o","type":"Offer","actor":"https://b.example/users/bob","object":{"type":"Agreement","stipulates":{"resourceQuantity":{"hasUnit":"USD","hasNumericalValue":0.10}}}}`))
	if err != nil || p.Amount != "0.10" {
		t.Fatalf("numeric amount: %+v %v", p, err)
	}
}

func TestPaymentEncodeRoundTrip(t *testing.T) {
	payer := &models.Account{ID: 1, Username: "bob", Domain: "b.example", URI: "https://b.example/users/bob", InboxURI: "https://b.example/users/bob/inbox"}
	payee := &models.Account{ID: 2, Username: "alice", URI: "https://a.example/users/alice"}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	p := &models.Payment{ID: 9, CreatedAt: now, OfferURI: "https://b.example/payments/p/9/offer", ProposalURI: "https://a.example/users/alice/proposal",
		AgreementURI: "https://a.example/payments/p/9/agreement", PayURL: "https://a.example/payments/checkout/9/tok", Amount: 500, Currency: "USD",
		ExpiresAt: now.Add(time.Hour), State: models.PaymentSucceeded, Note: "hi"}
	pay := &models.PaymentOut{Payment: p, Payer: payer, Payee: payee, Amount: "5.00", IntentURI: p.ProposalURI + "#intent",
		ReceiptURI: "https://a.example/payments/p/9/receipt", Updated: now.Add(time.Minute), Reason: "no"}
	e := NewEncoder(nil)
	for _, tc := range []struct {
		typ   string
		actor *models.Account
		to    *models.Account
	}{{"Offer", payer, payee}, {"Accept", payee, payer}, {"Reject", payee, payer}, {"Create", payee, payer}, {"Update", payee, payer}} {
		doc, aud, err := e.paymentActivity(&models.Outgoing{Type: tc.typ, ID: "https://x.example/" + tc.typ, Actor: tc.actor, Payment: pay})
		if err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if !aud.direct || len(aud.accounts) != 1 || aud.accounts[0] != tc.to {
			t.Fatalf("%s: audience %+v", tc.typ, aud)
		}
		doc["@context"] = PaymentContext(tc.actor.URI)
		body, _ := json.Marshal(doc)
		got, err := DecodePayment(body)
		if err != nil {
			t.Fatalf("%s: decode: %v", tc.typ, err)
		}
		switch tc.typ {
		case "Offer":
			if got.Amount != "5.00" || got.Currency != "USD" || got.ProposalID != p.ProposalURI || got.IntentID != pay.IntentURI || !got.EndTime.Equal(p.ExpiresAt) {
				t.Errorf("Offer: %+v", got)
			}
		case "Accept":
			if got.OfferID != p.OfferURI || got.AgreementID != p.AgreementURI || got.AgreementURL != p.PayURL {
				t.Errorf("Accept: %+v", got)
			}
		case "Reject":
			if got.OfferID != p.OfferURI || got.Reason != "no" {
				t.Errorf("Reject: %+v", got)
			}
		default:
			if got.Status != "succeeded" || got.AgreementID != p.AgreementURI || got.Amount != "5.00" || !got.Updated.Equal(pay.Updated) {
				t.Errorf("%s: %+v", tc.typ, got)
			}
		}
	}
}

func TestPaymentProposalAndContext(t *testing.T) {
	acct := &models.Account{Username: "alice", URI: "https://a.example/users/alice"}
	doc := ProposalDocument(acct, "https://a.example/users/alice/proposal", []string{"USD", "EUR"})
	body, _ := json.Marshal(doc)
	want, err := os.ReadFile(filepath.Join("testdata", "plaza", "proposal.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	_ = json.Unmarshal(body, &a)
	_ = json.Unmarshal(want, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("proposal =\n%s\nwant\n%s", body, want)
	}
	ctx := PaymentContextDocument("https://a.example")["@context"].(map[string]any)
	for _, term := range []string{"Proposal", "Intent", "Agreement", "Commitment", "Receipt", "amount", "currency", "status", "hasNumericalValue"} {
		if ctx[term] == nil {
			t.Errorf("context lacks %s", term)
		}
	}
}
