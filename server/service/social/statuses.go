package social

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// MaxStatusChars is the longest status text accepted, in characters.
const MaxStatusChars = 5000

// MaxStatusMedia is how many attachments one status may carry (Mastodon's
// four, announced as max_media_attachments).
const MaxStatusMedia = 4

// CreateStatusInput is what a local user posts.
type CreateStatusInput struct {
	Text        string
	InReplyToID *int64
	Visibility  models.Visibility // default public
	SpoilerText string
	Sensitive   bool
	Language    string
	MediaIDs    []int64
	// ContextURI puts the status in this thread (a chat's) instead of a
	// new one; a parent's thread still wins.
	ContextURI string
	// To are accounts addressed without being named (silent mentions).
	To []*models.Account
	// ChatEvent marks a chat notice (messaging.ChatEventLeft, ...).
	ChatEvent string
	// Extra runs in the status's transaction before its Create is
	// published (the polls area stores the poll there).
	Extra func(ctx context.Context, tx *store.Store, st *models.Status) error
}

// EditStatusInput is the new version of an edited status.
type EditStatusInput struct {
	Text        string
	SpoilerText string
	Sensitive   bool
	Language    string
}

// CreateStatus posts a status (a DM is a direct status) for a local account.
func (s *Service) CreateStatus(ctx context.Context, author *models.Account, in CreateStatusInput) (*models.Status, error) {
	return s.createStatus(ctx, author, in, nil)
}

// createStatus is CreateStatus with claim, when not nil, run first inside
// the status's transaction with its id chosen (idempotency.go claims the
// Idempotency-Key there); an error from claim posts nothing.
func (s *Service) createStatus(ctx context.Context, author *models.Account, in CreateStatusInput, claim func(tx *store.Store, statusID int64) error) (*models.Status, error) {
	text, parent, err := s.checkStatusInput(ctx, author, &in)
	if err != nil {
		return nil, err
	}
	toks := core.ScanText(text)
	mentioned := s.core.ResolveMentions(ctx, toks)
	tags := core.Hashtags(toks)

	now := s.clock.Now()
	st := &models.Status{
		CreatedAt: now, UpdatedAt: now, AccountID: author.ID, Account: author, Local: true,
		Text: text, SpoilerText: in.SpoilerText, Sensitive: in.Sensitive || in.SpoilerText != "",
		Language: in.Language, Visibility: in.Visibility,
		Content: s.core.RenderText(text, toks, mentioned),
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		st.ID = tx.NewID()
		if claim != nil {
			if err := claim(tx, st.ID); err != nil {
				return err
			}
		}
		st.URI = s.urls.StatusURI(author.Username, st.ID)
		st.URL = s.urls.StatusURL(author.Username, st.ID)
		st.ContextURI = s.urls.Context(st.ID)
		if in.ContextURI != "" {
			st.ContextURI = in.ContextURI
		}
		if parent != nil {
			st.InReplyToID, st.InReplyToURI, st.InReplyToAccountID = &parent.ID, parent.URI, &parent.AccountID
			if parent.ContextURI != "" {
				st.ContextURI = parent.ContextURI
			}
		}
		if err := tx.CreateStatus(ctx, st); err != nil {
			return err
		}
		if n, err := tx.AttachMedia(ctx, author.ID, st.ID, in.MediaIDs); err != nil {
			return err
		} else if n != int64(len(in.MediaIDs)) {
			return fmt.Errorf("%w: media not found, already attached, or not finished processing (try again in a moment)", core.ErrValidation)
		}
		if in.Extra != nil {
			if err := in.Extra(ctx, tx, st); err != nil {
				return err
			}
		}
		accounts := core.MentionList(mentioned, author)
		accounts, err := s.addSilent(ctx, tx, st, author, accounts, in.To)
		if err != nil {
			return err
		}
		if parent != nil && parent.AccountID != author.ID && st.Visibility != models.VisibilityPublic && st.Visibility != models.VisibilityUnlisted {
			// A private or direct reply reaches the author it answers
			// even when the text does not name them.
			if !core.ContainsAccount(accounts, parent.AccountID) && parent.Account != nil {
				accounts = append(accounts, parent.Account)
				if err := tx.CreateMention(ctx, &models.Mention{StatusID: st.ID, AccountID: parent.AccountID, Silent: true}); err != nil {
					return err
				}
			}
		}
		return s.finishNewStatus(ctx, tx, st, author, parent, accounts, tags, messaging.ChatMeta{Event: in.ChatEvent})
	})
	if err != nil {
		return nil, fmt.Errorf("create status: %w", err)
	}
	return st, nil
}

// CheckStatusInput tells whether in could be posted by author now, without
// posting it (a scheduled post is checked when it is scheduled).
func (s *Service) CheckStatusInput(ctx context.Context, author *models.Account, in CreateStatusInput) error {
	_, _, err := s.checkStatusInput(ctx, author, &in)
	return err
}

// checkStatusInput validates a new post and fills in its defaults; it
// returns the trimmed text and the status replied to, if any.
func (s *Service) checkStatusInput(ctx context.Context, author *models.Account, in *CreateStatusInput) (text string, parent *models.Status, err error) {
	text = strings.TrimSpace(in.Text)
	if text == "" && len(in.MediaIDs) == 0 {
		return "", nil, fmt.Errorf("%w: a status needs text or media", core.ErrValidation)
	}
	if n := utf8.RuneCountInString(text); n > MaxStatusChars {
		return "", nil, fmt.Errorf("%w: text is %d characters long, the limit is %d", core.ErrValidation, n, MaxStatusChars)
	}
	if len(in.MediaIDs) > MaxStatusMedia {
		return "", nil, fmt.Errorf("%w: a post may carry at most %d images or videos", core.ErrValidation, MaxStatusMedia)
	}
	if in.Visibility == "" {
		in.Visibility = models.VisibilityPublic
	}
	if !core.ValidVisibility(in.Visibility) {
		return "", nil, fmt.Errorf("%w: unknown visibility %q", core.ErrValidation, in.Visibility)
	}
	if !author.IsLocal() {
		return "", nil, fmt.Errorf("%w: only local accounts post here", core.ErrForbidden)
	}
	if in.InReplyToID != nil {
		p, err := s.core.StatusForViewer(ctx, author, *in.InReplyToID)
		if err != nil {
			return "", nil, fmt.Errorf("%w: the status replied to does not exist", core.ErrValidation)
		}
		if p.ReblogOfID != nil {
			return "", nil, fmt.Errorf("%w: a boost cannot be replied to", core.ErrValidation)
		}
		parent = p
	}
	return text, parent, nil
}

// finishNewStatus writes what follows from a new local status: mentions,
// tags, reply count, conversation, notifications and the Create activity.
func (s *Service) finishNewStatus(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account, parent *models.Status, accounts []*models.Account, tags []string, chat messaging.ChatMeta) error {
	for _, a := range accounts {
		if err := tx.CreateMention(ctx, &models.Mention{StatusID: st.ID, AccountID: a.ID}); err != nil {
			return err
		}
	}
	if err := s.core.LinkTags(ctx, tx, st.ID, tags); err != nil {
		return err
	}
	if parent != nil {
		if err := tx.AddStatusCount(ctx, parent.ID, "replies_count", 1); err != nil {
			return err
		}
	}
	notified := map[int64]bool{} // and the ones whose message is held as a request
	if st.Visibility == models.VisibilityDirect {
		held, err := s.messaging.TouchConversation(ctx, tx, st, author, accounts, chat)
		if err != nil {
			return err
		}
		for _, id := range held {
			notified[id] = true
		}
	}
	for _, a := range accounts {
		if notified[a.ID] {
			continue
		}
		notified[a.ID] = true
		if err := s.core.Notify(ctx, tx, a, author.ID, models.NotifyMention, &st.ID); err != nil {
			return err
		}
	}
	if parent != nil && parent.Account != nil && !notified[parent.AccountID] && core.CanReachUnmentioned(st.Visibility) {
		if err := s.core.Notify(ctx, tx, parent.Account, author.ID, models.NotifyMention, &st.ID); err != nil {
			return err
		}
	}
	if st.Visibility == models.VisibilitySupporters {
		if err := s.publishToSupporters(ctx, tx, st, author); err != nil {
			return err
		}
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Create", ID: st.URI + "/activity", Actor: author, Status: st, Recipients: accounts})
}

// publishToSupporters sends a supporter-only status to the author's
// current remote supporters, one Create per instance naming only that
// instance's supporters, so no server learns who else supports the author.
// Local supporters read it through the visibility rule.
func (s *Service) publishToSupporters(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account) error {
	ids, err := tx.ActiveSupporterIDs(ctx, author.ID)
	if err != nil {
		return err
	}
	byDomain := map[string][]*models.Account{}
	var domains []string
	for _, id := range ids {
		a, err := tx.AccountByID(ctx, id)
		if err != nil {
			return err
		}
		if a.IsLocal() || a.SuspendedAt != nil {
			continue
		}
		d := strings.ToLower(a.Domain)
		if byDomain[d] == nil {
			domains = append(domains, d)
		}
		byDomain[d] = append(byDomain[d], a)
	}
	for _, d := range domains {
		if err := s.core.Publish(ctx, tx, &models.Outgoing{Type: "Create", ID: st.URI + "/activity", Actor: author, Status: st, Recipients: byDomain[d]}); err != nil {
			return err
		}
	}
	return nil
}

// canReachUnmentioned reports whether a status of this visibility can be
// seen by an account it does not mention (without following).
func canReachUnmentioned(v models.Visibility) bool {
	return v == models.VisibilityPublic || v == models.VisibilityUnlisted
}

// EditStatus changes the text of one's own status, keeping the previous
// version in its history.
func (s *Service) EditStatus(ctx context.Context, author *models.Account, statusID int64, in EditStatusInput) (*models.Status, error) {
	text := strings.TrimSpace(in.Text)
	if n := utf8.RuneCountInString(text); n > MaxStatusChars {
		return nil, fmt.Errorf("%w: text is %d characters long, the limit is %d", core.ErrValidation, n, MaxStatusChars)
	}
	st, err := s.store.StatusWithAccount(ctx, statusID)
	if err != nil {
		return nil, core.NotFound(err, "status")
	}
	if st.AccountID != author.ID || st.ReblogOfID != nil {
		return nil, fmt.Errorf("%w: only the author can edit a status", core.ErrForbidden)
	}
	if text == "" {
		return nil, fmt.Errorf("%w: a status needs text", core.ErrValidation)
	}
	toks := core.ScanText(text)
	mentioned := s.core.ResolveMentions(ctx, toks)
	now := s.clock.Now()
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateStatusEdit(ctx, &models.StatusEdit{CreatedAt: now, StatusID: st.ID, Content: st.Content, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive}); err != nil {
			return err
		}
		st.Text, st.SpoilerText, st.Sensitive, st.Language = text, in.SpoilerText, in.Sensitive || in.SpoilerText != "", in.Language
		st.Content = s.core.RenderText(text, toks, mentioned)
		st.EditedAt, st.UpdatedAt = &now, now
		if err := tx.SaveStatusContent(ctx, st); err != nil {
			return err
		}
		for _, a := range core.MentionList(mentioned, author) {
			if err := tx.CreateMention(ctx, &models.Mention{StatusID: st.ID, AccountID: a.ID}); err != nil {
				return err
			}
		}
		// Everyone mentioned, before or now, gets the new version.
		accounts, err := s.mentionedAccounts(ctx, tx, st.ID)
		if err != nil {
			return err
		}
		if err := tx.DeleteStatusTagsOf(ctx, st.ID); err != nil {
			return err
		}
		if err := s.core.LinkTags(ctx, tx, st.ID, core.Hashtags(toks)); err != nil {
			return err
		}
		if err := s.NotifyBoosters(ctx, tx, st, author.ID); err != nil {
			return err
		}
		// A new id per edit: two edits in one second (a listing's price
		// change, then its close) must not look like one replayed Update.
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Update", ID: st.URI + "#updates/" + strconv.FormatInt(tx.NewID(), 10),
			Actor: author, Status: st, Recipients: accounts})
	})
	if err != nil {
		return nil, fmt.Errorf("edit status: %w", err)
	}
	return st, nil
}

// mentionedAccounts returns the accounts a status mentions.
func (s *Service) mentionedAccounts(ctx context.Context, tx *store.Store, statusID int64) ([]*models.Account, error) {
	ids, err := tx.MentionedIDs(ctx, statusID)
	if err != nil {
		return nil, err
	}
	accts, err := tx.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Account, 0, len(ids))
	for _, id := range ids {
		if a := accts[id]; a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// NotifyBoosters tells the local accounts that boosted a status it changed.
func (s *Service) NotifyBoosters(ctx context.Context, tx *store.Store, st *models.Status, fromID int64) error {
	ids, err := tx.BoosterIDs(ctx, st.ID)
	if err != nil {
		return err
	}
	accts, err := tx.AccountsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.core.Notify(ctx, tx, accts[id], fromID, models.NotifyUpdate, &st.ID); err != nil {
			return err
		}
	}
	return nil
}

// StatusHistory returns the earlier versions of a status the viewer can see.
func (s *Service) StatusHistory(ctx context.Context, viewer *models.Account, statusID int64) ([]models.StatusEdit, error) {
	if _, err := s.core.StatusForViewer(ctx, viewer, statusID); err != nil {
		return nil, err
	}
	return s.store.StatusEditsOf(ctx, statusID)
}

// DeleteStatus deletes one's own status with its boosts, favourites,
// mentions and the notifications about it.
func (s *Service) DeleteStatus(ctx context.Context, actor *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.store.StatusWithAccount(ctx, statusID)
	if err != nil {
		return nil, core.NotFound(err, "status")
	}
	if st.AccountID != actor.ID {
		return nil, fmt.Errorf("%w: only the author can delete a status", core.ErrForbidden)
	}
	if st.ReblogOfID != nil {
		return st, s.Unboost(ctx, actor, *st.ReblogOfID)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		recipients, err := s.mentionedAccounts(ctx, tx, st.ID)
		if err != nil {
			return err
		}
		if err := s.RemoveStatus(ctx, tx, st); err != nil {
			return err
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Delete", ID: st.URI + "#delete", Actor: actor, Status: st, Recipients: recipients})
	})
	if err != nil {
		return nil, fmt.Errorf("delete status: %w", err)
	}
	return st, nil
}

// RemoveStatus deletes a status (or boost) and fixes the counters of what
// it pointed at.
func (s *Service) RemoveStatus(ctx context.Context, tx *store.Store, st *models.Status) error {
	if st.Visibility == models.VisibilityDirect {
		if err := tx.UnfileChatMessage(ctx, st.ID); err != nil {
			return err
		}
	}
	if _, err := tx.DeleteStatusCascade(ctx, st.ID); err != nil {
		return err
	}
	if st.InReplyToID != nil {
		if err := tx.AddStatusCount(ctx, *st.InReplyToID, "replies_count", -1); err != nil {
			return err
		}
	}
	if st.ReblogOfID != nil {
		if err := tx.AddStatusCount(ctx, *st.ReblogOfID, "reblogs_count", -1); err != nil {
			return err
		}
	}
	return nil
}

// addSilent adds to a new status's accounts those of to it does not name,
// as silent mentions.
func (s *Service) addSilent(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account, accounts, to []*models.Account) ([]*models.Account, error) {
	for _, a := range to {
		if a.ID == author.ID || core.ContainsAccount(accounts, a.ID) {
			continue
		}
		if err := tx.CreateMention(ctx, &models.Mention{StatusID: st.ID, AccountID: a.ID, Silent: true}); err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
	}
	return accounts, nil
}

var _ messaging.Social = (*Service)(nil)

// PostDirect posts a chat message: a direct status in the chat's thread
// addressed to its members (messaging's Social port).
func (s *Service) PostDirect(ctx context.Context, author *models.Account, in messaging.DirectPost) (*models.Status, error) {
	return s.CreateStatus(ctx, author, CreateStatusInput{Text: in.Text, MediaIDs: in.MediaIDs, InReplyToID: in.InReplyToID,
		Visibility: models.VisibilityDirect, ContextURI: in.ContextURI, To: in.To, ChatEvent: in.Event})
}

// SendDirect posts text as a direct status of from (payments' DirectNotes).
func (s *Service) SendDirect(ctx context.Context, from *models.Account, text string) error {
	_, err := s.CreateStatus(ctx, from, CreateStatusInput{Text: text, Visibility: models.VisibilityDirect})
	return err
}
