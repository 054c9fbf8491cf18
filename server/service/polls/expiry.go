package polls

import (
	"context"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// sweepBatch is how many ended polls one sweep transaction announces.
const sweepBatch = 100

// SweepEnded announces the polls that have ended: a "poll" notification to
// each local voter and to a local author, and for a local poll the final
// Update(Question) with its closed time. The database holds the expiry and
// whether it was announced, so a restart loses nothing and nothing is
// announced twice. It returns how many polls it announced.
func (s *Service) SweepEnded(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.store.WithTx(ctx, func(tx *store.Store) error {
			ended, err := tx.EndedPollsToAnnounce(ctx, s.clock.Now(), sweepBatch)
			if err != nil {
				return err
			}
			n = len(ended)
			for _, p := range ended {
				if err := s.announce(ctx, tx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("sweep ended polls: %w", err)
		}
		total += n
		if n < sweepBatch {
			return total, nil
		}
	}
}

func (s *Service) announce(ctx context.Context, tx *store.Store, p *models.Poll) error {
	st, err := tx.StatusWithAccount(ctx, p.StatusID)
	if err != nil {
		return nil // the status went first; nothing to announce
	}
	voters, err := pollVoters(ctx, tx, p)
	if err != nil {
		return err
	}
	for _, a := range voters {
		if err := s.core.Notify(ctx, tx, a, p.AccountID, models.NotifyPoll, &st.ID); err != nil {
			return err
		}
	}
	if !st.Local {
		return nil
	}
	// Notify skips one's own actions; the author hears of their poll.
	if err := tx.CreateNotification(ctx, &models.Notification{CreatedAt: s.clock.Now(), AccountID: st.AccountID,
		FromAccountID: st.AccountID, Type: models.NotifyPoll, StatusID: &st.ID}); err != nil {
		return err
	}
	return s.publishCounts(ctx, tx, st, p)
}

// Run sweeps ended polls every interval until ctx is done, starting with
// one sweep (what ended while the server was down).
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.SweepEnded(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "poll expiry sweep", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
