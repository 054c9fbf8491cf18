package core

import (
	"context"
	"fmt"
	"slices"

	"plaza/models"
	"plaza/models/store"
)

// EmojiShortcodes returns the distinct :shortcodes: named in the texts.
func EmojiShortcodes(texts ...string) []string { return store.EmojiShortcodes(texts...) }

// emojiWanted collects, per domain, the shortcodes of one page.
type emojiWanted map[string][]string

func (w emojiWanted) add(domain string, codes []string) {
	for _, c := range codes {
		if !slices.Contains(w[domain], c) {
			w[domain] = append(w[domain], c)
		}
	}
}

// findEmojis loads what w names in one query, keyed by domain and shortcode.
func (s *Base) findEmojis(ctx context.Context, w emojiWanted) (map[[2]string]models.CustomEmoji, error) {
	if len(w) == 0 {
		return nil, nil
	}
	list, err := s.store.EmojisNamed(ctx, w)
	if err != nil {
		return nil, fmt.Errorf("custom emojis: %w", err)
	}
	out := make(map[[2]string]models.CustomEmoji, len(list))
	for _, e := range list {
		out[[2]string{e.Domain, e.Shortcode}] = e
	}
	return out, nil
}

// pick returns the emojis of domain among found, in the order named.
func pickEmojis(found map[[2]string]models.CustomEmoji, domain string, codes []string) []models.CustomEmoji {
	var out []models.CustomEmoji
	for _, c := range codes {
		if e, ok := found[[2]string{domain, c}]; ok {
			out = append(out, e)
		}
	}
	return out
}

// statusEmojiTexts are the texts of a status its emoji may stand in.
func statusEmojiTexts(st *models.Status) []string { return []string{st.Text, st.SpoilerText} }

// attachEmojis fills the Emojis of a page of views (and what they boost):
// the emoji of the author's domain named in the text or content warning,
// in at most one query.
func (s *Base) attachEmojis(ctx context.Context, views []*StatusView) error {
	w := emojiWanted{}
	each := func(fn func(v *StatusView)) {
		for _, v := range views {
			fn(v)
			if v.Reblog != nil {
				fn(v.Reblog)
			}
		}
	}
	each(func(v *StatusView) { w.add(v.Status.Account.Domain, EmojiShortcodes(statusEmojiTexts(v.Status)...)) })
	found, err := s.findEmojis(ctx, w)
	if err != nil || found == nil {
		return err
	}
	each(func(v *StatusView) {
		v.Emojis = pickEmojis(found, v.Status.Account.Domain, EmojiShortcodes(statusEmojiTexts(v.Status)...))
	})
	return nil
}

// AccountEmojis returns, for each account, the emoji of its domain named
// in its display name or bio, in at most one query.
func (s *Base) AccountEmojis(ctx context.Context, accounts []*models.Account) (map[int64][]models.CustomEmoji, error) {
	w := emojiWanted{}
	for _, a := range accounts {
		w.add(a.Domain, EmojiShortcodes(a.DisplayName, a.Note))
	}
	found, err := s.findEmojis(ctx, w)
	if err != nil || found == nil {
		return nil, err
	}
	out := make(map[int64][]models.CustomEmoji, len(accounts))
	for _, a := range accounts {
		if list := pickEmojis(found, a.Domain, EmojiShortcodes(a.DisplayName, a.Note)); len(list) > 0 {
			out[a.ID] = list
		}
	}
	return out, nil
}
