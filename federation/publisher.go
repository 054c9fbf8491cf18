package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// Publisher queues outgoing activities for delivery. It implements the
// business layer's Publisher port; nothing is sent while publishing, the
// Deliverer does that once the transaction has committed.
type Publisher struct {
	enc *Encoder
	log *slog.Logger
}

// federation must not import service, so the port is restated here.
var _ interface {
	Publish(context.Context, *store.Store, *models.Outgoing) error
} = (*Publisher)(nil)

// NewPublisher returns a publisher that encodes with enc.
func NewPublisher(enc *Encoder, log *slog.Logger) *Publisher {
	if log == nil {
		log = slog.Default()
	}
	return &Publisher{enc: enc, log: log}
}

// Publish encodes out and queues one delivery per remote inbox in tx, so
// the deliveries commit or roll back with the change that caused them.
// Local recipients are skipped: their side is the service's job.
func (p *Publisher) Publish(ctx context.Context, tx *store.Store, out *models.Outgoing) error {
	doc, aud, err := p.enc.activity(ctx, tx, out, 0)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if out.Payment != nil {
		doc["@context"] = PaymentContext(out.Actor.URI)
	} else {
		doc["@context"] = noteContext
	}
	payload, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("publish %s %s: %w", out.Type, out.ID, err)
	}
	inboxes, err := p.inboxes(ctx, tx, aud)
	if err != nil {
		return fmt.Errorf("publish %s %s: %w", out.Type, out.ID, err)
	}
	now := time.Now().UTC()
	for _, inbox := range inboxes {
		// Nothing goes to a blocked server.
		if blocked, err := tx.IsDomainBlocked(ctx, hostOf(inbox)); err != nil {
			return fmt.Errorf("publish %s %s: %w", out.Type, out.ID, err)
		} else if blocked {
			continue
		}
		d := &models.Delivery{
			CreatedAt:       now,
			ActivityURI:     out.ID,
			InboxURL:        inbox,
			Domain:          hostOf(inbox),
			SignerAccountID: out.Actor.ID,
			Payload:         string(payload),
			State:           models.DeliveryPending,
			NextAttemptAt:   now,
		}
		if err := tx.EnqueueDelivery(ctx, d); err != nil {
			return fmt.Errorf("publish %s %s: %w", out.Type, out.ID, err)
		}
	}
	p.log.DebugContext(ctx, "activity queued", slog.String("type", out.Type), slog.String("id", out.ID), slog.Int("inboxes", len(inboxes)))
	return nil
}

// inboxes lists the distinct remote inboxes of an audience, shared inboxes
// standing for every account behind them.
func (p *Publisher) inboxes(ctx context.Context, tx *store.Store, aud audience) ([]string, error) {
	seen := map[string]bool{}
	var list []string
	add := func(inbox string) {
		if inbox != "" && !seen[inbox] {
			seen[inbox] = true
			list = append(list, inbox)
		}
	}
	if aud.followersOf != 0 {
		followers, err := tx.FollowerInboxes(ctx, aud.followersOf)
		if err != nil {
			return nil, err
		}
		for _, in := range followers {
			add(in)
		}
	}
	for _, a := range aud.accounts {
		if a == nil || a.IsLocal() {
			continue
		}
		// A direct message goes to each person's own inbox: a shared inbox
		// would work, but the personal one limits who could see it if the
		// remote server mishandles addressing.
		if (aud.direct && a.InboxURI != "") || a.SharedInbox == "" {
			add(a.InboxURI)
		} else {
			add(a.SharedInbox)
		}
	}
	return list, nil
}
