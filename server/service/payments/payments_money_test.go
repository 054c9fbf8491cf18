package payments

import (
	"errors"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
)

func TestPaymentAmountParse(t *testing.T) {
	good := []struct {
		in, cur string
		want    int64
		wire    string
	}{
		{"5", "USD", 500, "5.00"}, {"5.00", "USD", 500, "5.00"}, {"5.5", "eur", 550, "5.50"}, {"0.01", "USD", 1, "0.01"},
		{"500", "JPY", 500, "500"}, {"5.000", "USD", 500, "5.00"}, {" 12.34 ", "USD", 1234, "12.34"},
	}
	for _, tc := range good {
		got, err := ParseAmount(tc.in, tc.cur)
		if err != nil || got != tc.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tc.in, tc.cur, got, err, tc.want)
		}
		if w := FormatAmount(got, tc.cur); w != tc.wire {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", got, tc.cur, w, tc.wire)
		}
	}
	bad := []struct{ in, cur string }{
		{"0", "USD"}, {"0.00", "USD"}, {"-5", "USD"}, {"abc", "USD"}, {"5.001", "USD"}, {"1e3", "USD"}, {"5,00", "USD"},
		{"", "USD"}, {".5", "USD"}, {"5.", "USD"}, {"5.5", "JPY"}, {"5", "XXX"}, {"5", ""}, {"99999999999999999999", "USD"}, {"+5", "USD"},
	}
	for _, tc := range bad {
		if _, err := ParseAmount(tc.in, tc.cur); !errors.Is(err, core.ErrValidation) {
			t.Errorf("ParseAmount(%q, %q) = %v, want core.ErrValidation", tc.in, tc.cur, err)
		}
	}
}

// What people type: a point or a comma before the decimals, in any
// currency; anything that could be read two ways is refused.
func TestPaymentTypedAmountParse(t *testing.T) {
	good := []struct {
		in, cur string
		want    int64
	}{
		{"1,50", "EUR", 150}, {"1.50", "EUR", 150}, {"1,5", "USD", 150}, {" 12,34 ", "GBP", 1234}, {"7", "EUR", 700}, {"1500", "JPY", 1500},
	}
	for _, tc := range good {
		if got, err := ParseTypedAmount(tc.in, tc.cur); err != nil || got != tc.want {
			t.Errorf("ParseTypedAmount(%q, %s) = %d, %v; want %d", tc.in, tc.cur, got, err, tc.want)
		}
	}
	bad := []struct{ in, cur, says string }{
		{"1,500.5,0", "EUR", "more than one separator"}, {"1,500.50", "USD", "more than one separator"}, {"1.500,50", "EUR", "more than one separator"},
		{"1,500", "USD", "could mean 1500 or 1.500"}, {"1,500", "JPY", "could mean"}, {"1,", "EUR", "not an amount"}, {",5", "EUR", "not an amount"},
		{"1,001", "EUR", "could mean"}, {"0,00", "EUR", "greater than zero"},
	}
	for _, tc := range bad {
		_, err := ParseTypedAmount(tc.in, tc.cur)
		if !errors.Is(err, core.ErrValidation) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseTypedAmount(%q, %q) = %v, want core.ErrValidation saying %q", tc.in, tc.cur, err, tc.says)
		}
	}
}

// Webhook events may come in any order; the derived state must not depend
// on it.
func TestPaymentDeriveStateOrderIndependent(t *testing.T) {
	base := []models.PaymentEvent{
		{State: models.PaymentOffered}, {State: models.PaymentAccepted}, {State: models.PaymentCheckoutOpen},
		{State: models.PaymentExpired}, {State: models.PaymentSucceeded}, {State: models.PaymentFailed},
	}
	var perm func(k int)
	perm = func(k int) {
		if k == len(base) {
			if s, _, _ := deriveState(base); s != models.PaymentSucceeded {
				t.Fatalf("order %v gives %s", base, s)
			}
			return
		}
		for i := k; i < len(base); i++ {
			base[k], base[i] = base[i], base[k]
			perm(k + 1)
			base[k], base[i] = base[i], base[k]
		}
	}
	perm(0)
	s, refunded, _ := deriveState(append(base, models.PaymentEvent{State: models.PaymentPartiallyRefunded, Amount: 200},
		models.PaymentEvent{State: models.PaymentRefunded, Amount: 500}))
	if s != models.PaymentRefunded || refunded != 500 {
		t.Fatalf("refunds: %s %d", s, refunded)
	}
}
