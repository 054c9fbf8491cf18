package service_test

import (
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/social"
)

// accepts records that recipient accepted messages from sender, so a DM
// between them is no message request.
func (w *world) accepts(recipient, sender *models.Account) {
	w.t.Helper()
	err := w.st.WithTx(w.ctx, func(tx *store.Store) error {
		if err := tx.HoldMessage(w.ctx, recipient.ID, sender.ID, 0, time.Now().UTC()); err != nil {
			return err
		}
		r, err := tx.MessageRequestBetween(w.ctx, recipient.ID, sender.ID)
		if err != nil {
			return err
		}
		return tx.CloseRequest(w.ctx, r, models.RequestAccepted, time.Now().UTC())
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// socialDM is a direct status's input.
func socialDM(text string) social.CreateStatusInput {
	return social.CreateStatusInput{Text: text, Visibility: models.VisibilityDirect}
}
