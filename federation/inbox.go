package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-fed/httpsig"

	"plaza/models"
)

// Errors Receive returns (wrapped); the HTTP layer maps them to 400 and 401.
var (
	ErrBadRequest   = errors.New("bad request")
	ErrUnauthorized = errors.New("unauthorized")
)

// InboxHandler is implemented by the business layer (server/service). It
// uses only models and standard types because service cannot import
// federation. in is the receipt to record (idempotency by activity id);
// activity is the same body decoded; signer is the verified key owner.
type InboxHandler interface {
	ReceiveActivity(ctx context.Context, in *models.InboxActivity, activity *models.APActivity, signer *models.Account) error
}

// Inbox verifies and dispatches POSTs to inboxes. It is HTTP-framework
// neutral: the caller reads the body and passes the request along.
type Inbox struct {
	cfg Config
	r   *Resolver
	h   InboxHandler
}

// NewInbox returns an inbox that resolves keys with r and hands verified
// activities to h.
func NewInbox(cfg Config, r *Resolver, h InboxHandler) *Inbox {
	return &Inbox{cfg: cfg.withDefaults(), r: r, h: h}
}

// Receive checks an inbox POST whose body has already been read, then
// passes it to the InboxHandler. recipientID is the local account whose
// inbox was posted to, nil for the shared inbox. Errors wrap ErrBadRequest
// (malformed activity) or ErrUnauthorized (signature, digest, date or actor
// problems); anything else comes from the handler.
func (ib *Inbox) Receive(ctx context.Context, req *http.Request, body []byte, recipientID *int64) (err error) {
	act, err := parseActivity(body)
	if err != nil {
		return err
	}
	if observe := ib.cfg.ObserveInbox; observe != nil {
		defer func() { observe(act.Type, err) }()
	}

	owner, err := ib.VerifySignature(ctx, req, body)
	if err != nil {
		return err
	}
	if owner.URI != act.ActorURI {
		return fmt.Errorf("%w: signed by %s but the activity's actor is %s", ErrUnauthorized, owner.URI, act.ActorURI)
	}
	if !sameHost(act.ActorURI, act.ActivityURI) {
		return fmt.Errorf("%w: activity %s is not on its actor's host", ErrUnauthorized, act.ActivityURI)
	}

	// Decoded only now: an unsigned body is not worth the work.
	decoded, err := DecodeActivity(body)
	if err != nil {
		return err
	}
	if movesPayment(decoded) {
		date, _ := http.ParseTime(req.Header.Get("Date"))
		if skew := time.Since(date).Abs(); skew > ib.cfg.PaymentSignatureMaxAge {
			return fmt.Errorf("%w: payment activity signed %s away from now (at most %s)", ErrUnauthorized,
				skew.Round(time.Second), ib.cfg.PaymentSignatureMaxAge)
		}
	}

	act.RecipientID = recipientID
	if err := ib.h.ReceiveActivity(ctx, act, decoded, owner); err != nil {
		return fmt.Errorf("receive %s %s: %w", act.Type, act.ActivityURI, err)
	}
	return nil
}

// VerifySignature checks the HTTP signature of a request: Date within the
// window, the key resolved (and refetched once on failure, for rotation),
// and, when body is not nil (a POST), a Digest that matches it and is
// signed. It returns the key's owner. Errors wrap ErrUnauthorized.
func (ib *Inbox) VerifySignature(ctx context.Context, req *http.Request, body []byte) (*models.Account, error) {
	params, err := readSignature(req.Header)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	date, err := http.ParseTime(req.Header.Get("Date"))
	if err != nil {
		return nil, fmt.Errorf("%w: missing or bad Date header", ErrUnauthorized)
	}
	if skew := time.Since(date).Abs(); skew > ib.cfg.SignatureMaxAge {
		return nil, fmt.Errorf("%w: Date %s is %s away from now", ErrUnauthorized, date.Format(time.RFC3339), skew.Round(time.Second))
	}
	required := []string{httpsig.RequestTarget, "host", "date"}
	if body != nil {
		if err := checkDigest(req.Header.Values("Digest"), body); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnauthorized, err)
		}
		required = append(required, "digest")
	}
	if want := params.missing(required); want != "" {
		return nil, fmt.Errorf("%w: signature does not cover %q", ErrUnauthorized, want)
	}

	// httpsig is handed the parameters just checked, in canonical form, so
	// it cannot read a different headers list from the same request.
	verifier, err := httpsig.NewVerifier(params.requestFor(req))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	keyID := verifier.KeyId()
	owner, key, cached := ib.r.keys.get(keyID)
	if !cached {
		owner, key, err = ib.r.PublicKey(ctx, keyID, false)
		if err != nil {
			return nil, fmt.Errorf("%w: key %s: %w", ErrUnauthorized, keyID, err)
		}
	}
	if err := verifier.Verify(key, httpsig.RSA_SHA256); err != nil {
		// The actor may have rotated its key: fetch it once more.
		ib.cfg.Logger.DebugContext(ctx, "signature failed with cached key, refetching",
			slog.String("key_id", keyID), slog.Bool("memory", cached), slog.Any("error", err))
		ib.r.keys.forget(keyID)
		owner, key, err = ib.r.PublicKey(ctx, keyID, true)
		if err != nil {
			return nil, fmt.Errorf("%w: refetch key %s: %w", ErrUnauthorized, keyID, err)
		}
		if err := verifier.Verify(key, httpsig.RSA_SHA256); err != nil {
			return nil, fmt.Errorf("%w: signature by %s does not verify: %w", ErrUnauthorized, keyID, err)
		}
		cached = false
	}
	if !cached && !owner.IsLocal() {
		ib.r.keys.put(keyID, owner, key)
	}
	return owner, nil
}

// parseActivity reads the id, type and actor every activity must have.
func parseActivity(body []byte) (*models.InboxActivity, error) {
	var env struct {
		ID    string          `json:"id"`
		Type  json.RawMessage `json:"type"`
		Actor json.RawMessage `json:"actor"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: activity is not a JSON object: %w", ErrBadRequest, err)
	}
	if err := checkAbsolute(env.ID); err != nil {
		return nil, fmt.Errorf("%w: activity id: %w", ErrBadRequest, err)
	}
	var typ string
	if json.Unmarshal(env.Type, &typ) != nil || typ == "" {
		return nil, fmt.Errorf("%w: activity %s: type must be a string", ErrBadRequest, env.ID)
	}
	actor := linkHref(env.Actor)
	if err := checkAbsolute(actor); err != nil {
		return nil, fmt.Errorf("%w: activity %s: actor: %w", ErrBadRequest, env.ID, err)
	}
	return &models.InboxActivity{
		ActivityURI: env.ID,
		Type:        typ,
		ActorURI:    actor,
		Raw:         string(body),
	}, nil
}

// checkDigest requires a SHA-256 Digest equal to the body's.
func checkDigest(values []string, body []byte) error {
	sum := sha256.Sum256(body)
	want := sum[:]
	found := false
	for _, v := range values {
		for _, d := range strings.Split(v, ",") {
			algo, val, ok := strings.Cut(strings.TrimSpace(d), "=")
			if !ok || !strings.EqualFold(algo, "SHA-256") {
				continue
			}
			found = true
			got, err := base64.StdEncoding.DecodeString(val)
			if err == nil && bytes.Equal(got, want) {
				return nil
			}
		}
	}
	if !found {
		return errors.New("missing SHA-256 Digest header")
	}
	return errors.New("digest does not match the body")
}

// movesPayment reports whether an activity is part of a payment: an Offer,
// an answer to one, or a Receipt.
func movesPayment(a *models.APActivity) bool {
	if IsPaymentActivity(a) || IsSupporterActivity(a) || IsOrderActivity(a) {
		return true
	}
	if a.Type != "Accept" && a.Type != "Reject" {
		return false
	}
	return (a.Activity != nil && a.Activity.Type == "Offer") || (a.Object != nil && a.Object.Type == "Offer")
}
