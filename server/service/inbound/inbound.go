package inbound

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// What received activities mean. Every handler runs inside the inbox
// transaction; a handler returns core.ErrForbidden for an activity that acts on
// something that is not its signer's, and nil for one it ignores.

// prefetched is what ReceiveActivity looked up remotely before its
// transaction.
type prefetched struct {
	announced       *models.APObject // the object of an Announce not seen before
	announcedAuthor *models.Account
}

func (s *Service) prefetch(ctx context.Context, act *models.APActivity, signer *models.Account) prefetched {
	var pre prefetched
	if act.Type != "Announce" || act.Object == nil || act.Object.ID == "" || s.fetch == nil {
		return pre
	}
	if _, err := s.store.StatusWithAccountByURI(ctx, act.Object.ID); err == nil {
		return pre
	}
	// An embedded object is never trusted (anyone can write one, and the
	// booster is rarely its origin): fetch it from its origin.
	obj, author, err := s.social.FetchNote(ctx, act.Object.ID)
	if err != nil {
		s.log.InfoContext(ctx, "announced object not taken", "object", act.Object.ID, "booster", signer.URI, "error", err.Error())
		return pre
	}
	pre.announced, pre.announcedAuthor = obj, author
	return pre
}

func isActorType(typ string) bool {
	switch typ {
	case "Person", "Service", "Application", "Group", "Organization":
		return true
	}
	return false
}

func isActorUpdate(act *models.APActivity, signer *models.Account) bool {
	return act.Type == "Update" && act.Object != nil && act.Object.ID == signer.URI && (act.Object.Type == "" || isActorType(act.Object.Type))
}

func (s *Service) dispatch(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account, pre prefetched) error {
	if s.supporters != nil {
		if handled, err := s.supporters.ReceiveActivity(ctx, tx, act, signer); handled {
			return err // remote subscriptions: supporters/federation.go
		}
	}
	if s.shop != nil {
		if handled, err := s.shop.ReceiveActivity(ctx, tx, act, signer); handled {
			return err // remote orders' Receipts: shop/federation.go
		}
	}
	if s.quotes != nil {
		if handled, err := s.quotes.ReceiveActivity(ctx, tx, act, signer); handled {
			return err // quote requests and answers: quotes/federation.go
		}
	}
	if handled, err := s.payments.ReceivePaymentActivity(ctx, tx, act, signer); handled {
		return err // payment activities: payments_inbound.go
	}
	obj := act.Object
	switch act.Type {
	case "Create":
		if obj == nil || !social.IsNoteLike(obj.Type) {
			return nil
		}
		if s.polls != nil && isVote(obj) {
			// A vote Note is counted, never shown as a reply.
			if handled, err := s.polls.ReceiveVote(ctx, tx, obj, signer); handled {
				return err
			}
		}
		return s.inCreate(ctx, tx, act, obj, signer)
	case "Update":
		if obj == nil || isActorUpdate(act, signer) {
			return nil // actors are refreshed after the transaction
		}
		if social.IsNoteLike(obj.Type) {
			if s.polls != nil && obj.Poll != nil {
				// New counts alone are no edit.
				if edited, err := s.polls.ReceiveQuestionUpdate(ctx, tx, obj, signer); err != nil || !edited {
					return err
				}
			}
			return s.inUpdate(ctx, tx, obj, signer)
		}
	case "Delete":
		if obj != nil && obj.ID != "" {
			return s.inDelete(ctx, tx, obj.ID, signer)
		}
	case "Follow":
		if obj != nil {
			return s.inFollow(ctx, tx, act, obj.ID, signer)
		}
	case "Accept", "Reject":
		return s.inFollowAnswer(ctx, tx, act, signer)
	case "Undo":
		return s.inUndo(ctx, tx, act, signer)
	case "Like":
		if obj != nil {
			return s.inLike(ctx, tx, act, obj.ID, signer)
		}
	case "Announce":
		if obj != nil {
			return s.inAnnounce(ctx, tx, act, obj.ID, signer, pre)
		}
	case "Block":
		if obj != nil {
			return s.inBlock(ctx, tx, act, obj.ID, signer)
		}
	case "Flag":
		if s.reports != nil {
			return s.reports.ReceiveFlag(ctx, tx, act, signer)
		}
	}
	return nil
}

// isVote reports whether a created Note is a poll vote: a name, no
// content, in reply to something (Mastodon's own test).
func isVote(obj *models.APObject) bool {
	return obj.Name != "" && obj.InReplyTo != "" && strings.TrimSpace(core.StripHTML(obj.Content)) == ""
}

func (s *Service) inCreate(ctx context.Context, tx *store.Store, act *models.APActivity, obj *models.APObject, signer *models.Account) error {
	if obj.AttributedTo != signer.URI {
		return fmt.Errorf("%w: %s is attributed to %s, not to the signer", core.ErrForbidden, obj.ID, obj.AttributedTo)
	}
	if obj.ID == "" {
		return nil
	}
	// Embedded by its signer: the object must be of the signer's server,
	// or anyone could take over another server's (or our own) post ids.
	if err := s.social.CheckOrigin(ctx, tx, obj, signer.URI); err != nil {
		return err
	}
	if _, err := tx.StatusWithAccountByURI(ctx, obj.ID); err == nil {
		return nil // already known (delivered to two inboxes, or fetched)
	}
	to, cc := obj.To, obj.Cc
	if len(to) == 0 && len(cc) == 0 {
		to, cc = act.To, act.Cc
	}
	obj, err := s.withoutRejectedMedia(ctx, tx, obj, signer)
	if err != nil {
		return err
	}
	st, err := s.social.StoreRemoteStatus(ctx, tx, obj, signer, to, cc, true)
	if err != nil {
		return err
	}
	return s.storeRemoteListing(ctx, tx, st, obj.Listing, signer)
}

func (s *Service) inUpdate(ctx context.Context, tx *store.Store, obj *models.APObject, signer *models.Account) error {
	if obj.AttributedTo != "" && obj.AttributedTo != signer.URI {
		return fmt.Errorf("%w: only its author may update %s", core.ErrForbidden, obj.ID)
	}
	// The new version is embedded by its signer: same rule as a Create
	// (an Update may leave attributedTo out; it is the signer's).
	claimed := &models.APObject{ID: obj.ID, AttributedTo: signer.URI}
	if err := s.social.CheckOrigin(ctx, tx, claimed, signer.URI); err != nil {
		return err
	}
	st, err := tx.StatusWithAccountByURI(ctx, obj.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.AccountID != signer.ID || (obj.AttributedTo != "" && obj.AttributedTo != signer.URI) {
		return fmt.Errorf("%w: only its author may update %s", core.ErrForbidden, obj.ID)
	}
	now := s.clock.Now()
	if err := tx.CreateStatusEdit(ctx, &models.StatusEdit{CreatedAt: now, StatusID: st.ID, Content: st.Content, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive}); err != nil {
		return err
	}
	edited := obj.Updated
	if edited.IsZero() || edited.After(now) {
		edited = now
	}
	st.Content, st.Text, st.SpoilerText = core.SanitizeHTML(obj.Content), core.StripHTML(obj.Content), core.StripHTML(obj.Summary)
	st.Sensitive = obj.Sensitive || st.SpoilerText != ""
	if obj.Language != "" && len(obj.Language) <= 16 {
		st.Language = obj.Language
	}
	st.EditedAt, st.UpdatedAt = &edited, now
	if err := tx.SaveStatusContent(ctx, st); err != nil {
		return err
	}
	if err := s.updateRemoteListing(ctx, tx, st, obj.Listing, signer); err != nil {
		return err
	}
	if err := tx.DeleteStatusTagsOf(ctx, st.ID); err != nil {
		return err
	}
	if err := s.core.LinkTags(ctx, tx, st.ID, social.RemoteHashtags(obj.Tags)); err != nil {
		return err
	}
	return s.social.NotifyBoosters(ctx, tx, st, signer.ID)
}

func (s *Service) inDelete(ctx context.Context, tx *store.Store, id string, signer *models.Account) error {
	if id == signer.URI {
		ids, err := tx.StatusIDsOfAccount(ctx, signer.ID)
		if err != nil {
			return err
		}
		for _, sid := range ids {
			st, err := tx.StatusWithAccount(ctx, sid)
			if errors.Is(err, store.ErrNotFound) {
				continue // went with a status deleted before it
			}
			if err != nil {
				return err
			}
			if err := s.social.RemoveStatus(ctx, tx, st); err != nil {
				return err
			}
		}
		return tx.DeleteFollowsOf(ctx, signer.ID)
	}
	st, err := tx.StatusWithAccountByURI(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.AccountID != signer.ID {
		return fmt.Errorf("%w: %s may not delete %s", core.ErrForbidden, signer.URI, id)
	}
	return s.social.RemoveStatus(ctx, tx, st)
}

// localTarget returns the local account an activity's object names, or nil.
func localTarget(ctx context.Context, tx *store.Store, uri string) (*models.Account, error) {
	a, err := tx.AccountByURI(ctx, uri)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !a.IsLocal() || a.SuspendedAt != nil {
		return nil, nil
	}
	return a, nil
}

func (s *Service) inFollow(ctx context.Context, tx *store.Store, act *models.APActivity, targetURI string, signer *models.Account) error {
	target, err := localTarget(ctx, tx, targetURI)
	if err != nil || target == nil {
		return err
	}
	if blocked, err := tx.BlockedEitherWay(ctx, target.ID, signer.ID); err != nil || blocked {
		return err
	}
	f, err := tx.FollowBetween(ctx, signer.ID, target.ID)
	switch {
	case err == nil:
		if !f.Accepted {
			return nil
		}
		// Already following: the other side lost our Accept; send it again.
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Accept", ID: target.URI + "#accepts/follows/" + core.IDString(f.ID),
			Actor: target, Follow: &models.Follow{ID: f.ID, AccountID: f.AccountID, TargetAccountID: f.TargetAccountID, Accepted: true, URI: act.ID},
			Target: signer, Recipients: []*models.Account{signer}})
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	now := s.clock.Now()
	f = &models.Follow{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, AccountID: signer.ID, TargetAccountID: target.ID, Accepted: !target.Locked, URI: act.ID}
	if err := tx.CreateFollow(ctx, f); err != nil {
		return err
	}
	if !f.Accepted {
		return s.core.Notify(ctx, tx, target, signer.ID, models.NotifyFollowRequest, nil)
	}
	if err := s.core.Notify(ctx, tx, target, signer.ID, models.NotifyFollow, nil); err != nil {
		return err
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Accept", ID: target.URI + "#accepts/follows/" + core.IDString(f.ID),
		Actor: target, Follow: f, Target: signer, Recipients: []*models.Account{signer}})
}

// innerActivity is the activity an Accept, Reject or Undo is about.
func innerActivity(act *models.APActivity) *models.APActivity {
	if act.Activity != nil {
		return act.Activity
	}
	if act.Object != nil && act.Object.ID != "" {
		return &models.APActivity{ID: act.Object.ID, Type: act.Object.Type}
	}
	return nil
}

func (s *Service) inFollowAnswer(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) error {
	inner := innerActivity(act)
	if inner == nil || (inner.Type != "" && inner.Type != "Follow") {
		return nil
	}
	f, err := tx.FollowByURI(ctx, inner.ID)
	if errors.Is(err, store.ErrNotFound) && inner.Actor != "" {
		// Some servers rewrite the Follow's id: match by the pair.
		follower, ferr := localTarget(ctx, tx, inner.Actor)
		if ferr != nil || follower == nil {
			return ferr
		}
		f, err = tx.FollowBetween(ctx, follower.ID, signer.ID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if f.TargetAccountID != signer.ID {
		return fmt.Errorf("%w: %s answered a follow of another account", core.ErrForbidden, signer.URI)
	}
	if act.Type == "Accept" {
		if f.Accepted {
			return nil
		}
		return tx.AcceptFollow(ctx, f.ID)
	}
	return tx.DeleteFollow(ctx, f.ID)
}

// undoRequest is what an Undo names: the inner activity's id, its object's
// id, whether it was typed, and the signer undoing it.
type undoRequest struct {
	id     string // the inner activity's id
	objID  string // its object's id, "" when absent
	byPair bool   // typed: an unknown id may be matched by (signer, object)
	signer *models.Account
}

// undoKind undoes one kind of activity; done is false when nothing of
// that kind matches, so an untyped Undo tries the next kind.
type undoKind struct {
	typ  string
	undo func(s *Service, ctx context.Context, tx *store.Store, req undoRequest) (done bool, err error)
}

// undoKinds are tried in this order for an untyped inner activity.
var undoKinds = []undoKind{
	{"Follow", (*Service).undoFollow},
	{"Like", (*Service).undoLike},
	{"Announce", (*Service).undoAnnounce},
	{"Block", (*Service).undoBlock},
}

func (s *Service) inUndo(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) error {
	inner := innerActivity(act)
	if inner == nil || inner.ID == "" {
		return nil
	}
	if inner.Actor != "" && inner.Actor != signer.URI {
		return fmt.Errorf("%w: %s may not undo an activity of %s", core.ErrForbidden, signer.URI, inner.Actor)
	}
	req := undoRequest{id: inner.ID, byPair: inner.Type != "", signer: signer}
	if inner.Object != nil {
		req.objID = inner.Object.ID
	}
	for _, k := range undoKinds {
		if inner.Type != "" && inner.Type != k.typ {
			continue
		}
		if done, err := k.undo(s, ctx, tx, req); done || err != nil {
			return err
		}
	}
	return nil
}

// pairTarget is the local account a typed Undo's object names, for the
// match by pair; nil when there is none to match.
func (req undoRequest) pairTarget(ctx context.Context, tx *store.Store) (*models.Account, error) {
	if !req.byPair || req.objID == "" {
		return nil, nil
	}
	return localTarget(ctx, tx, req.objID)
}

// undoneByPair finds the follow or block an Undo names: by the activity's
// id, else (a typed Undo) between the signer and the local account its
// object names. found is false when there is none, or on an error.
func undoneByPair[T any](ctx context.Context, tx *store.Store, req undoRequest,
	byURI func(ctx context.Context, uri string) (T, error),
	between func(ctx context.Context, accountID, targetID int64) (T, error)) (v T, found bool, err error) {
	v, err = byURI(ctx, req.id)
	if errors.Is(err, store.ErrNotFound) {
		target, terr := req.pairTarget(ctx, tx)
		if terr != nil {
			return v, false, terr
		}
		if target != nil {
			v, err = between(ctx, req.signer.ID, target.ID)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return v, false, nil
	}
	return v, err == nil, err
}

func (s *Service) undoFollow(ctx context.Context, tx *store.Store, req undoRequest) (bool, error) {
	f, found, err := undoneByPair(ctx, tx, req, tx.FollowByURI, tx.FollowBetween)
	if !found {
		return false, err
	}
	if f.AccountID != req.signer.ID {
		return true, fmt.Errorf("%w: not the signer's follow", core.ErrForbidden)
	}
	if err := tx.DeleteFollow(ctx, f.ID); err != nil {
		return true, err
	}
	if err := tx.DeleteNotifications(ctx, f.TargetAccountID, req.signer.ID, models.NotifyFollow, 0); err != nil {
		return true, err
	}
	return true, tx.DeleteNotifications(ctx, f.TargetAccountID, req.signer.ID, models.NotifyFollowRequest, 0)
}

func (s *Service) undoLike(ctx context.Context, tx *store.Store, req undoRequest) (bool, error) {
	fav, err := tx.FavouriteByURI(ctx, req.id)
	if errors.Is(err, store.ErrNotFound) && req.byPair && req.objID != "" {
		// The liked status may be unknown: then there is no like to undo.
		if st, serr := tx.StatusWithAccountByURI(ctx, req.objID); serr == nil {
			fav, err = tx.FavouriteBy(ctx, req.signer.ID, st.ID)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if fav.AccountID != req.signer.ID {
		return true, fmt.Errorf("%w: not the signer's like", core.ErrForbidden)
	}
	st, err := tx.StatusWithAccount(ctx, fav.StatusID)
	if err != nil {
		return true, err
	}
	return true, s.social.RemoveFavourite(ctx, tx, fav, st)
}

// undoAnnounce removes a boost, known only by its own id: there is no
// match by pair.
func (s *Service) undoAnnounce(ctx context.Context, tx *store.Store, req undoRequest) (bool, error) {
	boost, err := tx.StatusWithAccountByURI(ctx, req.id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if boost.ReblogOfID == nil {
		return false, nil // a status, not a boost
	}
	if boost.AccountID != req.signer.ID {
		return true, fmt.Errorf("%w: not the signer's boost", core.ErrForbidden)
	}
	orig, oerr := tx.StatusWithAccount(ctx, *boost.ReblogOfID)
	if err := s.social.RemoveStatus(ctx, tx, boost); err != nil {
		return true, err
	}
	if oerr != nil {
		return true, nil // no boosted status left to clear the notification of
	}
	return true, tx.DeleteNotifications(ctx, orig.AccountID, req.signer.ID, models.NotifyReblog, orig.ID)
}

func (s *Service) undoBlock(ctx context.Context, tx *store.Store, req undoRequest) (bool, error) {
	b, found, err := undoneByPair(ctx, tx, req, tx.BlockByURI, tx.BlockBy)
	if !found {
		return false, err
	}
	if b.AccountID != req.signer.ID {
		return true, fmt.Errorf("%w: not the signer's block", core.ErrForbidden)
	}
	return true, tx.DeleteBlock(ctx, b.ID)
}

func (s *Service) inLike(ctx context.Context, tx *store.Store, act *models.APActivity, statusURI string, signer *models.Account) error {
	st, err := tx.StatusWithAccountByURI(ctx, statusURI)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if ok, err := s.core.CanSeeIn(ctx, tx, signer, st, 0); err != nil || !ok {
		return err
	}
	if _, err := tx.FavouriteBy(ctx, signer.ID, st.ID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	f := &models.Favourite{ID: tx.NewID(), CreatedAt: s.clock.Now(), AccountID: signer.ID, StatusID: st.ID, URI: act.ID}
	if err := tx.CreateFavourite(ctx, f); err != nil {
		return err
	}
	if err := tx.AddStatusCount(ctx, st.ID, "favourites_count", 1); err != nil {
		return err
	}
	return s.core.Notify(ctx, tx, st.Account, signer.ID, models.NotifyFavourite, &st.ID)
}

func (s *Service) inAnnounce(ctx context.Context, tx *store.Store, act *models.APActivity, statusURI string, signer *models.Account, pre prefetched) error {
	if _, err := tx.StatusWithAccountByURI(ctx, act.ID); err == nil {
		return nil // this Announce is known
	}
	st, err := tx.StatusWithAccountByURI(ctx, statusURI)
	if errors.Is(err, store.ErrNotFound) {
		if pre.announced == nil {
			return nil // nothing we can show
		}
		v := social.VisibilityOf(pre.announced.To, pre.announced.Cc, pre.announcedAuthor.FollowersURI)
		if v != models.VisibilityPublic && v != models.VisibilityUnlisted {
			return fmt.Errorf("%w: announce of a non-public status", core.ErrForbidden)
		}
		st, err = s.social.StoreRemoteStatus(ctx, tx, pre.announced, pre.announcedAuthor, pre.announced.To, pre.announced.Cc, false)
	}
	if err != nil {
		return err
	}
	if st.ReblogOfID != nil {
		return nil // a boost of a boost means nothing
	}
	if st.Visibility != models.VisibilityPublic && st.Visibility != models.VisibilityUnlisted {
		return fmt.Errorf("%w: announce of a non-public status", core.ErrForbidden)
	}
	if blocked, err := tx.BlockedEitherWay(ctx, st.AccountID, signer.ID); err != nil || blocked {
		return err
	}
	if _, err := tx.BoostBy(ctx, signer.ID, st.ID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := s.clock.Now()
	created := act.Published
	if created.IsZero() || created.After(now) {
		created = now
	}
	boost := &models.Status{ID: tx.NewID(), CreatedAt: created, UpdatedAt: now, URI: act.ID, URL: act.ID, AccountID: signer.ID,
		ReblogOfID: &st.ID, Visibility: social.VisibilityOf(act.To, act.Cc, signer.FollowersURI)}
	if boost.Visibility == models.VisibilityDirect {
		boost.Visibility = models.VisibilityPublic // addressing left out: Mastodon treats boosts as public
	}
	if err := tx.CreateStatus(ctx, boost); err != nil {
		return err
	}
	if err := tx.AddStatusCount(ctx, st.ID, "reblogs_count", 1); err != nil {
		return err
	}
	return s.core.Notify(ctx, tx, st.Account, signer.ID, models.NotifyReblog, &st.ID)
}

func (s *Service) inBlock(ctx context.Context, tx *store.Store, act *models.APActivity, targetURI string, signer *models.Account) error {
	target, err := localTarget(ctx, tx, targetURI)
	if err != nil || target == nil {
		return err
	}
	if _, err := tx.BlockBy(ctx, signer.ID, target.ID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := tx.CreateBlock(ctx, &models.Block{CreatedAt: s.clock.Now(), AccountID: signer.ID, TargetAccountID: target.ID, URI: act.ID}); err != nil {
		return err
	}
	_, err = tx.DeleteFollowsBetween(ctx, signer.ID, target.ID)
	return err
}

// withoutRejectedMedia drops a post's attachments when its server's media
// is rejected (a domain block with reject media): the post is kept, its
// files are neither stored nor shown.
func (s *Service) withoutRejectedMedia(ctx context.Context, tx *store.Store, obj *models.APObject, signer *models.Account) (*models.APObject, error) {
	if s.mod == nil || len(obj.Attachments) == 0 {
		return obj, nil
	}
	policy, err := s.mod.DomainPolicy(ctx, tx, signer.Domain)
	if err != nil || !policy.RejectMedia {
		return obj, err
	}
	c := *obj
	c.Attachments = nil
	return &c, nil
}
