package web

import (
	"context"
	"strconv"

	"plaza/models"
	"plaza/server/service/core"
)

// quoteCard is the quoted post inside a quoting one: its author, an
// excerpt of its text and a link, or a note when it cannot be shown.
type quoteCard struct {
	Author  accountItem
	Excerpt string
	Path    string // this site's page of the quoted post; "" when not shown
	Note    string // why it is not shown
}

// quoteExcerptChars is how much of a quoted post's text a card shows.
const quoteExcerptChars = 200

// addQuoteCards gives each item that quotes a post its card.
func (h *Handler) addQuoteCards(ctx context.Context, me *models.Account, views []*core.StatusView, out []statusItem) error {
	shown := make([]*models.Status, len(views))
	for i, v := range views {
		shown[i] = v.Status
		if v.Reblog != nil {
			shown[i] = v.Reblog.Status
		}
	}
	quotes, _, err := h.svc.Quotes().ViewsOf(ctx, me, shown)
	if err != nil {
		return err
	}
	for i, st := range shown {
		q, ok := quotes[st.ID]
		if !ok {
			continue
		}
		card := &quoteCard{}
		switch {
		case q.State == models.QuoteAccepted && q.Quoted != nil:
			card.Author = h.accountItem(q.Quoted.Account)
			card.Path = card.Author.Path + "/" + strconv.FormatInt(q.Quoted.ID, 10)
			card.Excerpt = truncate(plainText(q.Quoted.Content), quoteExcerptChars)
		case q.State == models.QuotePending:
			card.Note = "The quoted post is waiting for its author's approval."
		case q.State == models.QuoteAccepted:
			card.Note = "The quoted post is not available."
		default:
			card.Note = "The author of the quoted post removed it from this post."
		}
		out[i].Quote = card
	}
	return nil
}
