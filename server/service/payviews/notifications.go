package payviews

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/payments"
)

// NotificationSubject is what a payment notification says to its reader:
// the words after the sender's name ("paid you 12.50 EUR") and the
// reader's own page of the payment ("" for a money request, which lives
// in its chat).
type NotificationSubject struct {
	Sentence string
	Link     string
}

// NotificationSubjects words the payment notifications among ns for
// viewer, by notification id. A payment or request the viewer is not part
// of, or that is gone, gets a neutral sentence and no link.
func (s *Service) NotificationSubjects(ctx context.Context, viewer *models.Account, ns []models.Notification) (map[int64]NotificationSubject, error) {
	var payIDs []int64
	for _, n := range ns {
		if n.Type == models.NotifyPayment && n.PaymentID != 0 {
			payIDs = append(payIDs, n.PaymentID)
		}
	}
	pays, err := s.store.PaymentsByIDs(ctx, payIDs)
	if err != nil {
		return nil, fmt.Errorf("notification payments: %w", err)
	}
	reqs := map[int64]*models.PaymentRequest{}
	out := map[int64]NotificationSubject{}
	for _, n := range ns {
		if n.Type != models.NotifyPayment {
			continue
		}
		switch {
		case n.PaymentID != 0:
			p := pays[n.PaymentID]
			if p == nil || (p.PayerID != viewer.ID && p.PayeeID != viewer.ID) {
				out[n.ID] = NotificationSubject{Sentence: "sent you a payment notice"}
				continue
			}
			out[n.ID] = NotificationSubject{Sentence: paymentSentence(p, viewer, n.SubjectState), Link: "/payments/p/" + strconv.FormatInt(p.ID, 10)}
		case n.RequestID != 0:
			r, ok := reqs[n.RequestID]
			if !ok {
				r, err = s.store.PaymentRequestByID(ctx, n.RequestID)
				if errors.Is(err, store.ErrNotFound) {
					r, err = nil, nil
				}
				if err != nil {
					return nil, fmt.Errorf("notification request: %w", err)
				}
				reqs[n.RequestID] = r
			}
			if r == nil || (r.PayerID != viewer.ID && r.RequesterID != viewer.ID) {
				out[n.ID] = NotificationSubject{Sentence: "sent you a money request notice"}
				continue
			}
			out[n.ID] = NotificationSubject{Sentence: requestSentence(r, n.SubjectState)}
		default:
			out[n.ID] = NotificationSubject{Sentence: "sent you a payment notice"}
		}
	}
	return out, nil
}

func money(minor int64, currency string) string {
	return payments.FormatAmount(minor, currency) + " " + currency
}

// toPayee and toPayer are what a payment's state means to its payee and
// to its payer; %s is the amount.
var (
	toPayee = map[models.PaymentState]string{
		models.PaymentSucceeded:         "paid you %s",
		models.PaymentRefunded:          "was refunded the %s they paid you",
		models.PaymentPartiallyRefunded: "was refunded part of the %s they paid you",
		models.PaymentDisputed:          "disputed the %s they paid you",
		models.PaymentFailed:            "tried to pay you %s, but the payment failed",
		models.PaymentExpired:           "did not finish paying you %s: the payment expired",
	}
	toPayer = map[models.PaymentState]string{
		models.PaymentSucceeded:         "received your payment of %s",
		models.PaymentRefunded:          "refunded your payment of %s",
		models.PaymentPartiallyRefunded: "refunded part of your payment of %s",
		models.PaymentDisputed:          "has your payment of %s disputed",
		models.PaymentFailed:            "did not receive your payment of %s: it failed",
		models.PaymentExpired:           "did not receive your payment of %s: it expired",
		models.PaymentRejected:          "cannot take your payment of %s",
		models.PaymentAccepted:          "is ready for your payment of %s",
	}
)

// paymentSentence says what the payment's state at the notification meant
// to viewer, the payer or the payee.
func paymentSentence(p *models.Payment, viewer *models.Account, state string) string {
	if state == "" {
		state = string(p.State)
	}
	says, other := toPayer, "has news of your payment of %s"
	if p.PayeeID == viewer.ID {
		says, other = toPayee, "sent you a payment of %s"
	}
	f, ok := says[models.PaymentState(state)]
	if !ok {
		f = other
	}
	return fmt.Sprintf(f, money(p.Amount, p.Currency))
}

// requestSentence says what happened to a money request.
func requestSentence(r *models.PaymentRequest, state string) string {
	amt := money(r.Amount, r.Currency)
	switch state {
	case "requested":
		return "asks you for " + amt
	case string(models.RequestDeclined):
		return "declined your request for " + amt
	case string(models.RequestCancelled):
		return "cancelled their request for " + amt
	}
	return "has news of a request for " + amt
}
