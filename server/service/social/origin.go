package social

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// One origin per object (docs: DESIGN.md, "Federation essentials"). An
// object taken from outside — embedded in a Create or Update, fetched for an
// Announce, a search or any later reply or context fetch — is accepted only
// when its id, its author and where it came from (the URL it was fetched
// from, or the signer of the activity that embedded it) share one origin;
// an object of this instance's own host is never taken from outside, and
// nothing of a blocked domain is taken at all. Any path that stores a
// remote object goes through checkOrigin (embedded) or fetchNote
// (everything else): an embedded copy is trusted only from its own origin.

// CheckOrigin applies the origin rule to an object taken from outside.
// from is where it came from: the URL it was fetched from, or the id of the
// actor that signed the activity embedding it. An object without an author
// is refused: nobody could be held to it.
func (s *Service) CheckOrigin(ctx context.Context, st *store.Store, obj *models.APObject, from string) error {
	if err := s.core.CheckFetchable(ctx, st, obj.ID); err != nil {
		return err
	}
	origin := core.OriginOf(obj.ID)
	if core.OriginOf(obj.AttributedTo) != origin {
		return fmt.Errorf("%w: %s is attributed to %q, not to an actor of its own server", core.ErrForbidden, obj.ID, obj.AttributedTo)
	}
	if core.OriginOf(from) != origin {
		return fmt.Errorf("%w: %s came from %s, another server", core.ErrForbidden, obj.ID, from)
	}
	return nil
}

// servedOtherIDError is what fetchNote reports when the document fetched
// carries another id than the one asked for (e.g. a post fetched by its
// page URL): only what that id itself serves may be used.
type servedOtherIDError struct{ asked, served string }

func (e *servedOtherIDError) Error() string {
	return fmt.Sprintf("%s: fetched %s serves %s", core.ErrForbidden, e.asked, e.served)
}

func (e *servedOtherIDError) Unwrap() error { return core.ErrForbidden }

// errNotANote is fetchNote's answer for a document that is not a post.
var errNotANote = errors.New("not a post")

// FetchNote fetches the post with this id from its origin (a signed GET
// through the core.Fetcher) and returns it with its author, resolved and stored.
// What it returns obeys the origin rule: the document's id is the id asked
// for, its author is an actor of the same server and not a local one.
func (s *Service) FetchNote(ctx context.Context, id string) (*models.APObject, *models.Account, error) {
	if s.fetch == nil {
		return nil, nil, fmt.Errorf("fetch %s: no fetcher", id)
	}
	if err := s.core.CheckFetchable(ctx, s.store, id); err != nil {
		return nil, nil, err
	}
	obj, err := s.fetch.FetchObject(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch %s: %w", id, err)
	}
	switch {
	case obj == nil || !IsNoteLike(obj.Type):
		return nil, nil, fmt.Errorf("fetch %s: %w", id, errNotANote)
	case obj.ID != id:
		return nil, nil, &servedOtherIDError{asked: id, served: obj.ID}
	}
	if err := s.CheckOrigin(ctx, s.store, obj, id); err != nil {
		return nil, nil, err
	}
	author, err := s.remoteAuthor(ctx, obj.AttributedTo)
	if err != nil {
		return nil, nil, fmt.Errorf("author of %s: %w", id, err)
	}
	return obj, author, nil
}

// remoteAuthor returns the remote account with this id, from the store or
// fetched. The account must carry exactly that id (an actor document may
// name another) and not be local.
func (s *Service) remoteAuthor(ctx context.Context, uri string) (*models.Account, error) {
	author, err := s.store.AccountByURI(ctx, uri)
	if errors.Is(err, store.ErrNotFound) {
		author, err = s.fetch.ResolveActor(ctx, uri, false)
	}
	switch {
	case err != nil:
		return nil, err
	case author == nil || author.URI != uri:
		return nil, fmt.Errorf("%w: actor %s not found", core.ErrNotFound, uri)
	case author.IsLocal():
		return nil, fmt.Errorf("%w: %s is a local account", core.ErrForbidden, uri)
	}
	return author, nil
}
