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

// paymentSentence says what the payment's state at the notification meant
// to viewer, the payer or the payee.
func paymentSentence(p *models.Payment, viewer *models.Account, state string) string {
	amt := money(p.Amount, p.Currency)
	if state == "" {
		state = string(p.State)
	}
	if p.PayeeID == viewer.ID {
		switch models.PaymentState(state) {
		case models.PaymentSucceeded:
			return "paid you " + amt
		case models.PaymentRefunded:
			return "was refunded the " + amt + " they paid you"
		case models.PaymentPartiallyRefunded:
			return "was refunded part of the " + amt + " they paid you"
		case models.PaymentDisputed:
			return "disputed the " + amt + " they paid you"
		case models.PaymentFailed:
			return "tried to pay you " + amt + ", but the payment failed"
		case models.PaymentExpired:
			return "did not finish paying you " + amt + ": the payment expired"
		}
		return "sent you a payment of " + amt
	}
	switch models.PaymentState(state) {
	case models.PaymentSucceeded:
		return "received your payment of " + amt
	case models.PaymentRefunded:
		return "refunded your payment of " + amt
	case models.PaymentPartiallyRefunded:
		return "refunded part of your payment of " + amt
	case models.PaymentDisputed:
		return "has your payment of " + amt + " disputed"
	case models.PaymentFailed:
		return "did not receive your payment of " + amt + ": it failed"
	case models.PaymentExpired:
		return "did not receive your payment of " + amt + ": it expired"
	case models.PaymentRejected:
		return "cannot take your payment of " + amt
	case models.PaymentAccepted:
		return "is ready for your payment of " + amt
	}
	return "has news of your payment of " + amt
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
