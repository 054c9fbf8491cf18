package federation

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// Resolver finds remote actors and keys, caching them as remote accounts in
// the store.
type Resolver struct {
	cfg            Config
	t              *Transport
	st             *store.Store
	instanceSigner func(ctx context.Context) (Signer, error)
	keys           *keyCache // remote keys that verified a signature (Inbox)
	// actorHook sees each remote actor stored with its tags (the custom
	// emoji of its name and bio); nil does nothing.
	actorHook func(ctx context.Context, acc *models.Account, tags []models.APTag) error
}

// SetActorHook sets what runs after each remote actor is stored (wired by
// the binary: the emoji area keeps the actor's Emoji tags).
func (r *Resolver) SetActorHook(fn func(ctx context.Context, acc *models.Account, tags []models.APTag) error) {
	r.actorHook = fn
}

// NewResolver returns a resolver that fetches through t, signing with the
// instance actor's key, and caches in st.
func NewResolver(cfg Config, t *Transport, st *store.Store, instanceSigner func(ctx context.Context) (Signer, error)) *Resolver {
	cfg = cfg.withDefaults()
	return &Resolver{cfg: cfg, t: t, st: st, instanceSigner: instanceSigner,
		keys: newKeyCache(cfg.KeyCacheSize, cfg.KeyCacheTTL, time.Now)}
}

// ErrDomainBlocked is returned (wrapped) for a look-up on a blocked domain:
// the resolver never sends it a request, nor answers from the cache for it.
var ErrDomainBlocked = errors.New("domain is blocked")

// RefuseBlockedDomains returns the host check (Config.RefuseHost) that
// answers ErrDomainBlocked for a host (which may carry a port) covered by an
// admin domain block in st.
func RefuseBlockedDomains(st *store.Store) func(ctx context.Context, host string) error {
	return func(ctx context.Context, host string) error {
		blocked, err := st.IsDomainBlocked(ctx, host)
		if err != nil {
			return fmt.Errorf("domain block of %s: %w", host, err)
		}
		if blocked {
			return fmt.Errorf("%s: %w", host, ErrDomainBlocked)
		}
		return nil
	}
}

// refuseBlocked returns ErrDomainBlocked when host is covered by an admin
// domain block. Every look-up of the resolver — WebFinger, actor, key,
// object — is checked here first, cached copies included; the transport
// checks each request and redirect hop again.
func (r *Resolver) refuseBlocked(ctx context.Context, host string) error {
	return RefuseBlockedDomains(r.st)(ctx, host)
}

// refuseBlockedURL is refuseBlocked for the host of an absolute URL.
func (r *Resolver) refuseBlockedURL(ctx context.Context, raw string) error {
	u, err := checkURL(raw)
	if err != nil {
		return err
	}
	return r.refuseBlocked(ctx, u.Host)
}

const activityAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// ResolveHandle finds "user@host" (or "@user@host", "acct:user@host"): from
// the cache when fresh, otherwise through WebFinger and the actor document.
func (r *Resolver) ResolveHandle(ctx context.Context, handle string) (*models.Account, error) {
	user, host, err := splitHandle(handle)
	if err != nil {
		return nil, err
	}
	if err := r.refuseBlocked(ctx, host); err != nil {
		return nil, fmt.Errorf("resolve %s@%s: %w", user, host, err)
	}
	acc, err := r.st.AccountByUsernameDomain(ctx, user, host)
	switch {
	case err == nil && r.fresh(acc):
		return acc, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("resolve %s@%s: %w", user, host, err)
	}

	wfURL := r.cfg.Scheme + "://" + host + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+user+"@"+host)
	body, err := r.t.Get(ctx, wfURL, Signer{}, "application/jrd+json, application/json")
	if err != nil {
		return nil, fmt.Errorf("webfinger %s@%s: %w", user, host, err)
	}
	var jrd struct {
		Links []struct {
			Rel  string `json:"rel"`
			Type string `json:"type"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if err := json.Unmarshal(body, &jrd); err != nil {
		return nil, fmt.Errorf("webfinger %s@%s: %w", user, host, err)
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && (l.Type == "application/activity+json" || strings.HasPrefix(l.Type, "application/ld+json")) && l.Href != "" {
			return r.ResolveActor(ctx, l.Href, false)
		}
	}
	return nil, fmt.Errorf("webfinger %s@%s: no ActivityPub self link: %w", user, host, store.ErrNotFound)
}

// splitHandle parses user@host into its lowercased host and the user.
func splitHandle(handle string) (user, host string, err error) {
	h := strings.TrimPrefix(strings.TrimSpace(handle), "acct:")
	h = strings.TrimPrefix(h, "@")
	i := strings.LastIndex(h, "@")
	if i <= 0 || i == len(h)-1 {
		return "", "", fmt.Errorf("handle %q: want user@host", handle)
	}
	user, host = h[:i], strings.ToLower(h[i+1:])
	// The host goes into a URL: refuse anything that could change its
	// meaning (paths, userinfo, queries).
	if strings.ContainsAny(user, "/?#@ ") || strings.ContainsAny(host, "/?#@\\ ") {
		return "", "", fmt.Errorf("handle %q: invalid characters", handle)
	}
	return user, host, nil
}

func (r *Resolver) fresh(acc *models.Account) bool {
	return acc.IsLocal() || time.Since(acc.FetchedAt) < r.cfg.ActorRefreshAfter
}

// ResolveActor returns the account of the actor with this id: local
// accounts straight from the store, remote ones from the cache unless stale
// or refresh is set, else fetched (signed by the instance actor) and stored.
func (r *Resolver) ResolveActor(ctx context.Context, uri string, refresh bool) (*models.Account, error) {
	if err := r.refuseBlockedURL(ctx, uri); err != nil {
		return nil, fmt.Errorf("resolve actor: %w", err)
	}
	cached, err := r.st.AccountByURI(ctx, uri)
	switch {
	case err == nil && cached.IsLocal():
		return cached, nil
	case err == nil && !refresh && r.fresh(cached):
		return cached, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("resolve actor %s: %w", uri, err)
	case err != nil:
		cached = nil
	}
	acc, err := r.fetchActor(ctx, uri)
	if err != nil {
		var se *StatusError
		gone := errors.As(err, &se) && (se.Code == 404 || se.Code == 410)
		if cached != nil && !refresh && !gone {
			// A stale copy beats nothing while the remote is unreachable.
			r.cfg.Logger.WarnContext(ctx, "remote actor refresh failed, using cached copy",
				slog.String("uri", uri), slog.Any("error", err))
			return cached, nil
		}
		return nil, err
	}
	return acc, nil
}

// fetchActor GETs an actor document and stores it.
func (r *Resolver) fetchActor(ctx context.Context, uri string) (*models.Account, error) {
	body, err := r.get(ctx, uri)
	if err != nil {
		return nil, fmt.Errorf("fetch actor %s: %w", uri, err)
	}
	return r.storeActor(ctx, uri, body)
}

func (r *Resolver) get(ctx context.Context, uri string) ([]byte, error) {
	if err := r.refuseBlockedURL(ctx, uri); err != nil {
		return nil, err
	}
	signer, err := r.instanceSigner(ctx)
	if err != nil {
		return nil, fmt.Errorf("instance signer: %w", err)
	}
	return r.t.Get(ctx, uri, signer, activityAccept)
}

// storeActor parses an actor fetched from fetchedURL and upserts it. The
// actor's id must live on the host it was fetched from, or any server
// could publish documents in another's name.
func (r *Resolver) storeActor(ctx context.Context, fetchedURL string, body []byte) (*models.Account, error) {
	a, err := ParseActor(body)
	if err != nil {
		return nil, err
	}
	if !sameHost(a.ID, fetchedURL) {
		return nil, fmt.Errorf("actor %s fetched from %s: id on another host", a.ID, fetchedURL)
	}
	if a.ID != fetchedURL {
		// Same host, different id (e.g. a profile URL): the id is the truth,
		// but never overwrite a local account with it.
		if existing, err := r.st.AccountByURI(ctx, a.ID); err == nil && existing.IsLocal() {
			return existing, nil
		}
	}
	acc, err := a.Account()
	if err != nil {
		return nil, err
	}
	if err := r.st.UpsertRemoteAccount(ctx, acc); err != nil {
		return nil, fmt.Errorf("store actor %s: %w", a.ID, err)
	}
	r.cfg.Logger.DebugContext(ctx, "remote actor stored", slog.String("uri", acc.URI), slog.Int64("account_id", acc.ID))
	if r.actorHook != nil {
		if err := r.actorHook(ctx, acc, a.Tags); err != nil {
			// The actor is stored; only its emoji are missing until the next fetch.
			r.cfg.Logger.WarnContext(ctx, "remote actor's emoji", slog.String("uri", acc.URI), slog.Any("error", err))
		}
	}
	return acc, nil
}

// PublicKey finds the key with this id and its owner. The store answers
// first unless refresh is set; otherwise the key id (without fragment) is
// fetched: either the actor itself (Mastodon: actor#main-key) or a
// standalone key document whose owner is then fetched (GoToSocial:
// actor/main-key). The owner's current key id must equal keyID.
func (r *Resolver) PublicKey(ctx context.Context, keyID string, refresh bool) (*models.Account, *rsa.PublicKey, error) {
	acc, err := r.st.AccountByPublicKeyID(ctx, keyID)
	switch {
	case err == nil && (!refresh || acc.IsLocal()):
		return withKey(acc)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, nil, fmt.Errorf("public key %s: %w", keyID, err)
	}

	u, err := checkURL(keyID)
	if err != nil {
		return nil, nil, fmt.Errorf("public key: %w", err)
	}
	u.Fragment, u.RawFragment = "", ""
	docURL := u.String()
	if local, err := r.st.AccountByURI(ctx, docURL); err == nil && local.IsLocal() {
		// Never fetch ourselves; a local key id we do not know is not ours.
		if local.PublicKeyID != keyID {
			return nil, nil, fmt.Errorf("public key %s: not a key of local account %s", keyID, local.URI)
		}
		return withKey(local)
	}

	body, err := r.get(ctx, docURL)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch key %s: %w", keyID, err)
	}
	if owner, err := keyDocumentOwner(body, keyID, docURL); err != nil {
		return nil, nil, fmt.Errorf("fetch key %s: %w", keyID, err)
	} else if owner != "" {
		// A key document of its own: trust the key only through its
		// owner's full actor document.
		acc, err = r.ResolveActor(ctx, owner, true)
	} else {
		acc, err = r.storeActor(ctx, docURL, body)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("fetch key %s: %w", keyID, err)
	}
	if acc.PublicKeyID != keyID {
		return nil, nil, fmt.Errorf("fetch key %s: actor %s publishes key %s instead", keyID, acc.URI, acc.PublicKeyID)
	}
	return withKey(acc)
}

// keyDocumentOwner tells a key document that is not its owner's full actor
// from one that is: it returns the owner to fetch, or "" when the document
// at docURL is the actor itself (Mastodon's actor#main-key). Two shapes
// stand on their own: a bare key (id, owner, publicKeyPem) and GoToSocial's
// cut-down actor served at actor/main-key (id, type, preferredUsername,
// publicKey, no inbox), whose id is the owner's and not docURL.
func keyDocumentOwner(body []byte, keyID, docURL string) (string, error) {
	var doc struct {
		ID           string          `json:"id"`
		Owner        string          `json:"owner"`
		PublicKeyPem string          `json:"publicKeyPem"`
		Inbox        json.RawMessage `json:"inbox"`
		PublicKey    json.RawMessage `json:"publicKey"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", err
	}
	var owner string
	switch {
	case doc.Owner != "" && doc.PublicKeyPem != "":
		if doc.ID != keyID {
			return "", fmt.Errorf("document has id %s", doc.ID)
		}
		owner = doc.Owner
	case doc.ID != docURL || len(doc.Inbox) == 0:
		// Not the actor at this address: a cut-down copy of its owner,
		// whose full document (fetched next) must publish keyID.
		k, err := pickKey(doc.PublicKey, doc.ID)
		if err != nil {
			return "", fmt.Errorf("cut-down actor %s: %w", doc.ID, err)
		}
		owner = k.Owner
	default:
		return "", nil
	}
	if !sameHost(owner, keyID) {
		return "", fmt.Errorf("owner %s on another host", owner)
	}
	return owner, nil
}

func withKey(acc *models.Account) (*models.Account, *rsa.PublicKey, error) {
	k, err := ParsePublicKeyPEM(acc.PublicKeyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("key of %s: %w", acc.URI, err)
	}
	return acc, k, nil
}

// The business layer's Fetcher port, restated because federation must not
// import service.
var _ interface {
	ResolveActor(ctx context.Context, uri string, refresh bool) (*models.Account, error)
	ResolveHandle(ctx context.Context, handle string) (*models.Account, error)
	FetchObject(ctx context.Context, uri string) (*models.APObject, error)
} = (*Resolver)(nil)

// FetchObject GETs a remote object (a Note the service has not seen: a
// reply's parent, a boosted post) signed by the instance actor and decodes
// it. The object's id must be on the host it was fetched from, or any
// server could publish posts in another's name.
func (r *Resolver) FetchObject(ctx context.Context, uri string) (*models.APObject, error) {
	body, err := r.get(ctx, uri)
	if err != nil {
		return nil, fmt.Errorf("fetch object %s: %w", uri, err)
	}
	obj, err := DecodeObject(body)
	if err != nil {
		return nil, fmt.Errorf("fetch object %s: %w", uri, err)
	}
	if !sameHost(obj.ID, uri) {
		return nil, fmt.Errorf("fetch object %s: %w: id %s on another host", uri, ErrUnauthorized, obj.ID)
	}
	return obj, nil
}
