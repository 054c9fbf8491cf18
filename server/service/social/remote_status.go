package social

import (
	"context"
	"errors"
	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
	"slices"
	"strings"
)

// IsNoteLike reports whether an object type is stored as a status.
func IsNoteLike(typ string) bool {
	switch typ {
	case "Note", "Question", "Article", "core.Page":
		return true
	}
	return false
}

var publicAddresses = []string{models.PublicAddress, "as:Public", "Public"}

// VisibilityOf reads Mastodon's visibility off an object's addressing.
func VisibilityOf(to, cc []string, followersURI string) models.Visibility {
	hasAny := func(list []string, want ...string) bool {
		for _, w := range want {
			if w != "" && slices.Contains(list, w) {
				return true
			}
		}
		return false
	}
	switch {
	case hasAny(to, publicAddresses...):
		return models.VisibilityPublic
	case hasAny(cc, publicAddresses...):
		return models.VisibilityUnlisted
	case hasAny(to, followersURI) || hasAny(cc, followersURI):
		return models.VisibilityPrivate
	}
	return models.VisibilityDirect
}

// StoreRemoteStatus stores a remote Note of author with what hangs off it:
// mentions, hashtags, attachments, reply link, conversation, and (when
// notify) notifications for local accounts.
func (s *Service) StoreRemoteStatus(ctx context.Context, tx *store.Store, obj *models.APObject, author *models.Account, to, cc []string, notify bool) (*models.Status, error) {
	now := s.clock.Now()
	created := obj.Published
	if created.IsZero() || created.After(now) {
		created = now
	}
	st := &models.Status{
		ID: tx.NewID(), CreatedAt: created, UpdatedAt: now, URI: obj.ID, URL: obj.URL,
		AccountID: author.ID, Account: author, Local: false,
		Content: core.SanitizeHTML(obj.Content), Text: core.StripHTML(obj.Content), SpoilerText: core.StripHTML(obj.Summary),
		Language: obj.Language, Visibility: VisibilityOf(to, cc, author.FollowersURI),
		InReplyToURI: obj.InReplyTo, ContextURI: obj.Context,
	}
	if st.URL == "" {
		st.URL = obj.ID
	}
	st.Sensitive = obj.Sensitive || st.SpoilerText != ""
	if len(st.Language) > 16 {
		st.Language = ""
	}
	var parent *models.Status
	if obj.InReplyTo != "" {
		if p, err := tx.StatusWithAccountByURI(ctx, obj.InReplyTo); err == nil {
			parent = p
			st.InReplyToID, st.InReplyToAccountID = &p.ID, &p.AccountID
			if st.ContextURI == "" {
				st.ContextURI = p.ContextURI
			}
		}
	}
	if st.ContextURI == "" {
		st.ContextURI = obj.ID
	}
	if err := tx.CreateStatus(ctx, st); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return tx.StatusWithAccountByURI(ctx, obj.ID)
		}
		return nil, err
	}
	if parent != nil {
		if err := tx.AddStatusCount(ctx, parent.ID, "replies_count", 1); err != nil {
			return nil, err
		}
	}
	mentioned, err := s.remoteMentions(ctx, tx, st, obj, to, cc)
	if err != nil {
		return nil, err
	}
	if err := s.core.LinkTags(ctx, tx, st.ID, RemoteHashtags(obj.Tags)); err != nil {
		return nil, err
	}
	for _, a := range obj.Attachments {
		if a.URL == "" {
			continue
		}
		m := &models.MediaAttachment{CreatedAt: now, AccountID: author.ID, StatusID: &st.ID, Type: core.MediaTypeOf(a.MediaType, a.Type),
			MimeType: a.MediaType, RemoteURL: a.URL, Description: a.Name, Blurhash: a.Blurhash, Width: a.Width, Height: a.Height}
		if err := tx.CreateMediaAttachment(ctx, m); err != nil {
			return nil, err
		}
	}
	if s.remoteHook != nil {
		if err := s.remoteHook(ctx, tx, st, obj); err != nil {
			return nil, err
		}
	}
	held := map[int64]bool{} // local accounts whose copy waits in Requests
	if st.Visibility == models.VisibilityDirect {
		ids, err := s.messaging.TouchConversation(ctx, tx, st, author, mentioned, messaging.ChatMeta{Name: obj.ChatName, Event: obj.ChatEvent})
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			held[id] = true
		}
	}
	if notify {
		for _, a := range mentioned {
			if held[a.ID] {
				continue
			}
			if err := s.core.Notify(ctx, tx, a, author.ID, models.NotifyMention, &st.ID); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

// remoteMentions records the accounts a remote status addresses that are
// known here: named in Mention tags, or silently in to/cc.
func (s *Service) remoteMentions(ctx context.Context, tx *store.Store, st *models.Status, obj *models.APObject, to, cc []string) ([]*models.Account, error) {
	named := map[string]bool{}
	var uris []string
	for _, t := range obj.Tags {
		if t.Type == "Mention" && t.Href != "" && !named[t.Href] {
			named[t.Href] = true
			uris = append(uris, t.Href)
		}
	}
	for _, u := range append(append([]string{}, to...), cc...) {
		if !named[u] && !slices.Contains(uris, u) && !slices.Contains(publicAddresses, u) {
			uris = append(uris, u)
		}
	}
	var out []*models.Account
	for _, u := range uris {
		if u == st.Account.FollowersURI || u == st.Account.URI {
			continue
		}
		a, err := tx.AccountByURI(ctx, u)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if core.ContainsAccount(out, a.ID) {
			continue
		}
		if err := tx.CreateMention(ctx, &models.Mention{StatusID: st.ID, AccountID: a.ID, Silent: !named[u]}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// RemoteHashtags returns the distinct lower-case hashtags of a remote post.
func RemoteHashtags(tags []models.APTag) []string {
	var out []string
	for _, t := range tags {
		if t.Type != "Hashtag" {
			continue
		}
		name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t.Name), "#"))
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
