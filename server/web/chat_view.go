package web

import (
	"context"
	"html"
	"strconv"
	"strings"
	"time"

	"plaza/models"
	"plaza/server/service/messaging"
	"plaza/server/service/payviews"
)

// chatItem is one line of the chat list.
type chatItem struct {
	ID      int64
	Name    string // the chat's own name, "" for none
	Title   string // the chat's name, or its members' names
	Members []accountItem
	Group   bool
	Preview string // the last message as plain text, "Name: text" in groups
	Last    time.Time
	Unread  int64
}

// messageItem is one message bubble of a chat.
type messageItem struct {
	statusItem
	// Day is the message's UTC day ("2006-01-02") and DayLabel its name
	// ("Today"); FirstOfDay gets a separator above it.
	Day, DayLabel string
	FirstOfDay    bool
	// ShowAuthor names the author above the bubble (others' messages in a
	// group chat, first of a run).
	ShowAuthor bool
	Edited     bool
	// Quote is the message this one answers, when it is not the one
	// right above it.
	Quote *quoteItem
	// Plain is the text without markup, for previews and quotes.
	Plain string
	// Card is the payment, request or split the message carries, as the
	// viewer sees it (nil for none).
	Card *payviews.ChatCard
}

// quoteItem is the quoted reply target above a bubble.
type quoteItem struct {
	ID     int64
	Author string
	Text   string
}

// chatTitle names a chat: its name, else its other members, else "Only you".
func (h *Handler) chatTitle(cv messaging.ConversationView) string {
	if cv.Conversation != nil && cv.Conversation.Name != "" {
		return cv.Conversation.Name
	}
	names := make([]string, 0, len(cv.Accounts))
	for _, a := range cv.Accounts {
		names = append(names, h.accountItem(a).Name)
	}
	if len(names) == 0 {
		return "Only you"
	}
	return strings.Join(names, ", ")
}

// chatItemOf builds a chat list line; last is the last message as shown.
func (h *Handler) chatItemOf(cv messaging.ConversationView, last *statusItem, me *models.Account) chatItem {
	it := chatItem{ID: cv.AccountConversation.ConversationID, Title: h.chatTitle(cv), Group: len(cv.Accounts) > 1, Unread: cv.UnreadCount}
	if cv.Conversation != nil {
		it.Name = cv.Conversation.Name
		it.Group = it.Group || it.Name != ""
	}
	if it.Unread == 0 && cv.AccountConversation.Unread {
		it.Unread = 1
	}
	for _, a := range cv.Accounts {
		it.Members = append(it.Members, h.accountItem(a))
	}
	if last != nil {
		it.Last = last.Created
		text := plainText(string(last.Content))
		if last.Spoiler != "" {
			text = last.Spoiler
		}
		if text == "" && len(last.Media) > 0 {
			text = "Photo"
		}
		switch {
		case last.Mine:
			text = "You: " + text
		case it.Group:
			text = last.Author.Name + ": " + text
		}
		it.Preview = truncate(text, 120)
	}
	return it
}

// messageItems turns a chat's statuses (oldest first) into bubbles with
// day separators, author names where the author changes, and quotes of
// reply targets that are not the message right above.
func (h *Handler) messageItems(ctx context.Context, me *models.Account, list []*models.Status, group bool, prev *messageItem) ([]messageItem, error) {
	items, err := h.statusItems(ctx, me, list)
	if err != nil {
		return nil, err
	}
	cards, err := h.svc.PayViews().CardsForStatuses(ctx, me, ids(list))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*messageItem, len(items))
	out := make([]messageItem, len(items))
	for i, it := range items {
		st := list[i]
		m := messageItem{statusItem: it, Day: it.Created.UTC().Format(time.DateOnly), DayLabel: dayLabel(it.Created, time.Now()),
			Edited: st.EditedAt != nil, Plain: plainText(string(it.Content)), Card: cards[st.ID]}
		var before *messageItem
		if i > 0 {
			before = &out[i-1]
		} else {
			before = prev
		}
		m.FirstOfDay = before == nil || before.Day != m.Day
		m.ShowAuthor = group && !m.Mine && (before == nil || before.Author.ID != m.Author.ID || m.FirstOfDay)
		if st.InReplyToID != nil && (before == nil || before.ID != *st.InReplyToID) {
			if target, ok := byID[*st.InReplyToID]; ok {
				m.Quote = &quoteItem{ID: target.ID, Author: target.Author.Name, Text: truncate(target.Plain, 100)}
			}
		}
		out[i] = m
		byID[m.ID] = &out[i]
	}
	return out, nil
}

// dayLabel names a day for a separator: Today, Yesterday, or the date.
func dayLabel(t, now time.Time) string {
	d, n := t.UTC().Format(time.DateOnly), now.UTC()
	switch d {
	case n.Format(time.DateOnly):
		return "Today"
	case n.AddDate(0, 0, -1).Format(time.DateOnly):
		return "Yesterday"
	}
	if t.UTC().Year() == n.Year() {
		return t.UTC().Format("Monday, 2 January")
	}
	return t.UTC().Format("2 January 2006")
}

// plainText is stored HTML as one line of text; paragraphs and line breaks
// become spaces.
func plainText(s string) string {
	s = strings.NewReplacer("</p><p>", " ", "<br>", " ", "<br/>", " ", "<br />", " ").Replace(s)
	return strings.Join(strings.Fields(html.UnescapeString(stripTags(s))), " ")
}

// truncate shortens s to at most n runes, with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func chatPath(id int64) string { return "/chats/" + strconv.FormatInt(id, 10) }
