package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// noteContext is the JSON-LD context of Plaza's objects: ActivityStreams
// plus the few extension terms Mastodon-compatible servers look for.
var noteContext = []any{
	"https://www.w3.org/ns/activitystreams",
	map[string]any{
		"sensitive":   "as:sensitive",
		"Hashtag":     "as:Hashtag",
		"toot":        "http://joinmastodon.org/ns#",
		"blurhash":    "toot:blurhash",
		"Emoji":       "toot:Emoji",
		"plaza":       "https://plaza.social/ns#",
		"chatName":    "plaza:chatName",
		"chatEvent":   "plaza:chatEvent",
		"votersCount": "toot:votersCount",
	},
	quoteContext, // quotes.go

}

// Encoder turns stored statuses and Outgoing activities into
// ActivityStreams documents. It is the one place that knows that mapping.
type Encoder struct {
	st *store.Store
}

// NewEncoder returns an encoder; st is used when a method gets a nil store.
func NewEncoder(st *store.Store) *Encoder { return &Encoder{st: st} }

// audience is who an encoded activity is for, for the publisher.
type audience struct {
	accounts []*models.Account // remote or local accounts addressed by name
	// followersOf is the account whose followers are addressed (0: none).
	followersOf int64
	// direct asks for personal inboxes, to keep a DM off shared inboxes.
	direct bool
}

func (e *Encoder) store(st *store.Store) *store.Store {
	if st != nil {
		return st
	}
	return e.st
}

// Note renders a status as the Note that its URI serves and that Create
// and Update carry.
func (e *Encoder) Note(ctx context.Context, st *store.Store, s *models.Status) (map[string]any, error) {
	note, _, err := e.note(ctx, e.store(st), s)
	if err != nil {
		return nil, err
	}
	note["@context"] = noteContext
	return note, nil
}

// note builds the Note without @context, and its audience.
func (e *Encoder) note(ctx context.Context, st *store.Store, s *models.Status) (map[string]any, audience, error) {
	author, err := statusAuthor(ctx, st, s)
	if err != nil {
		return nil, audience{}, err
	}
	mentioned, err := st.MentionedAccounts(ctx, s.ID)
	if err != nil {
		return nil, audience{}, fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	tags, err := st.StatusTags(ctx, s.ID)
	if err != nil {
		return nil, audience{}, fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	media, err := st.StatusAttachments(ctx, s.ID)
	if err != nil {
		return nil, audience{}, fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	to, cc, aud := addressing(s.Visibility, author, mentioned)

	tagList := []any{}
	for _, m := range mentioned {
		tagList = append(tagList, map[string]any{"type": "Mention", "href": m.URI, "name": "@" + m.Username + "@" + accountDomain(m)})
	}
	base := baseURL(author.URI)
	for _, t := range tags {
		tagList = append(tagList, map[string]any{"type": "Hashtag", "href": base + "/tags/" + url.PathEscape(t.Name), "name": "#" + t.Name})
	}
	emojis, err := st.LocalEmojisIn(ctx, s.Text, s.SpoilerText)
	if err != nil {
		return nil, audience{}, fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	tagList = append(tagList, emojiTags(emojis)...)
	attachments := []any{}
	for _, m := range media {
		u := m.URL
		if u == "" {
			u = m.RemoteURL
		}
		att := map[string]any{"type": "Document", "mediaType": m.MimeType, "url": u, "name": nilIfEmpty(m.Description)}
		if m.Blurhash != "" {
			att["blurhash"] = m.Blurhash
		}
		if m.Width > 0 && m.Height > 0 {
			att["width"], att["height"] = m.Width, m.Height
		}
		attachments = append(attachments, att)
	}

	note := map[string]any{
		"id":           s.URI,
		"type":         "Note",
		"attributedTo": author.URI,
		"content":      s.Content,
		"summary":      nilIfEmpty(s.SpoilerText),
		"sensitive":    s.Sensitive,
		"published":    s.CreatedAt.UTC().Format(time.RFC3339),
		"url":          nilIfEmpty(s.URL),
		"inReplyTo":    nilIfEmpty(s.InReplyToURI),
		"to":           to,
		"cc":           cc,
		"tag":          tagList,
		"attachment":   attachments,
	}
	if s.ContextURI != "" {
		note["context"] = s.ContextURI
		// Mastodon threads by its ostatus "conversation".
		note["conversation"] = s.ContextURI
		if s.Visibility == models.VisibilityDirect {
			// Plaza's chats carry their name; other servers ignore it.
			if chat, err := st.ChatNoteOf(ctx, s.ID); err != nil {
				return nil, audience{}, fmt.Errorf("encode note %s: %w", s.URI, err)
			} else if chat != nil {
				note["chatName"] = chat.Name
				if chat.Event != "" {
					note["chatEvent"] = chat.Event
				}
			}
		}
	}
	if err := e.listingProposal(ctx, st, s, author, note); err != nil {
		return nil, audience{}, err
	}
	if s.Language != "" {
		note["contentMap"] = map[string]any{s.Language: s.Content}
	}
	if s.EditedAt != nil {
		note["updated"] = s.EditedAt.UTC().Format(time.RFC3339)
	}
	if err := addQuote(ctx, st, s, author, note); err != nil { // quotes.go
		return nil, audience{}, err
	}
	if p, err := st.PollOfStatus(ctx, s.ID); err == nil {
		addQuestion(note, p)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, audience{}, fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	return note, aud, nil
}

// addQuestion makes a Note the Question of its poll, as Mastodon writes
// it: the choices in oneOf (anyOf for multiple choice) with their counts in
// replies.totalItems, endTime, closed once ended, votersCount.
func addQuestion(note map[string]any, p *models.Poll) {
	var opts []models.PollOption
	_ = json.Unmarshal([]byte(p.Options), &opts)
	choices := make([]any, 0, len(opts))
	for _, o := range opts {
		choices = append(choices, map[string]any{"type": "Note", "name": o.Title,
			"replies": map[string]any{"type": "Collection", "totalItems": o.VotesCount}})
	}
	note["type"] = "Question"
	if p.Multiple {
		note["anyOf"] = choices
	} else {
		note["oneOf"] = choices
	}
	note["votersCount"] = p.VotersCount
	if p.ExpiresAt != nil {
		end := p.ExpiresAt.UTC().Format(time.RFC3339)
		note["endTime"] = end
		if !p.ExpiresAt.After(time.Now()) {
			note["closed"] = end
		}
	}
}

// addressing maps Mastodon's visibilities onto to/cc. A direct status
// names only its mentioned accounts: never the followers, never Public.
func addressing(v models.Visibility, author *models.Account, mentioned []*models.Account) (to, cc []string, aud audience) {
	names := make([]string, 0, len(mentioned))
	for _, m := range mentioned {
		names = append(names, m.URI)
	}
	aud = audience{accounts: mentioned, followersOf: author.ID}
	switch v {
	case models.VisibilityPublic:
		to, cc = []string{models.PublicAddress}, append([]string{author.FollowersURI}, names...)
	case models.VisibilityUnlisted:
		to, cc = []string{author.FollowersURI}, append([]string{models.PublicAddress}, names...)
	case models.VisibilityPrivate:
		to, cc = []string{author.FollowersURI}, names
	default: // direct, and anything unknown is treated as the narrowest
		to, cc = names, []string{}
		aud.followersOf, aud.direct = 0, true
	}
	if cc == nil {
		cc = []string{}
	}
	return to, cc, aud
}

// Activity renders an Outgoing activity, with @context.
func (e *Encoder) Activity(ctx context.Context, st *store.Store, out *models.Outgoing) (map[string]any, error) {
	doc, _, err := e.activity(ctx, e.store(st), out, 0)
	if err != nil {
		return nil, err
	}
	doc["@context"] = noteContext
	return doc, nil
}

// activity builds an activity without @context, and its audience: the
// common fields here, the type's own in its encoder.
func (e *Encoder) activity(ctx context.Context, st *store.Store, out *models.Outgoing, depth int) (map[string]any, audience, error) {
	if out.Actor == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: no actor", out.Type, out.ID)
	}
	if out.Payment != nil {
		return e.paymentActivity(out) // payments.go
	}
	if out.Supporter != nil {
		return e.supporterActivity(out) // supporters.go
	}
	if out.Order != nil {
		return e.orderActivity(out) // orders.go
	}
	if out.PollVote != nil {
		return voteActivity(out)
	}
	if out.Quote != nil {
		return e.quoteActivity(ctx, st, out) // quotes.go
	}
	encode := activityEncoderFor(out.Type)
	if encode == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: unsupported type", out.Type, out.ID)
	}
	doc := map[string]any{"id": out.ID, "type": out.Type, "actor": out.Actor.URI}
	aud, err := encode(e, activityInput{ctx: ctx, st: st, out: out, doc: doc, depth: depth})
	if err != nil {
		return nil, audience{}, err
	}
	aud.accounts = append(aud.accounts, out.Recipients...)
	return doc, aud, nil
}

// activityInput is what a type's encoder works on: the Outgoing activity
// and the document to fill in.
type activityInput struct {
	ctx   context.Context
	st    *store.Store
	out   *models.Outgoing
	doc   map[string]any
	depth int // 1 inside an Undo
}

// activityEncoder fills in the type's own fields of an activity and says
// who it is for.
type activityEncoder func(e *Encoder, in activityInput) (audience, error)

// activityEncoderFor is the encoder of an activity type, nil for a type
// Plaza does not send.
func activityEncoderFor(typ string) activityEncoder {
	switch typ {
	case "Create", "Update", "Delete":
		return (*Encoder).statusActivity
	case "Follow", "Block":
		return (*Encoder).accountActivity
	case "Accept", "Reject":
		return (*Encoder).followAnswer
	case "Like":
		return (*Encoder).likeActivity
	case "Announce":
		return (*Encoder).announceActivity
	case "Undo":
		return (*Encoder).undoActivity
	case "Flag":
		return (*Encoder).flagActivity // flag.go
	}
	return nil
}

// statusActivity is a Create, Update or Delete of a status, addressed as
// the status is; an Update without a status is a profile edit.
func (e *Encoder) statusActivity(in activityInput) (audience, error) {
	out, doc := in.out, in.doc
	if out.Type == "Update" && out.Status == nil {
		emojis, err := in.st.LocalEmojisIn(in.ctx, out.Actor.DisplayName, out.Actor.Note)
		if err != nil {
			return audience{}, fmt.Errorf("encode profile update: %w", err)
		}
		return profileUpdate(out, doc, emojis), nil
	}
	if out.Type == "Delete" && out.Status == nil {
		return actorDelete(out, doc), nil // flag.go
	}
	if out.Status == nil {
		return audience{}, fmt.Errorf("encode %s %s: no status", out.Type, out.ID)
	}
	note, aud, err := e.note(in.ctx, in.st, out.Status)
	if err != nil {
		return audience{}, err
	}
	if out.Status.Visibility == models.VisibilitySupporters {
		addressSupporters(note, out)
	}
	copyAudience(doc, note)
	switch out.Type {
	case "Delete":
		doc["object"] = map[string]any{"id": out.Status.URI, "type": "Tombstone"}
	case "Update":
		updated := time.Now().UTC()
		if out.Status.EditedAt != nil {
			updated = out.Status.EditedAt.UTC()
		}
		// New counts of a Question are no edit: no "updated" on the object.
		if note["type"] != "Question" || out.Status.EditedAt != nil {
			note["updated"] = updated.Format(time.RFC3339)
		}
		doc["updated"] = updated.Format(time.RFC3339)
		doc["object"] = note
	default:
		doc["published"] = note["published"]
		doc["object"] = note
	}
	return aud, nil
}

// voteActivity is a local vote on a remote poll as Mastodon sends it:
// Create of a Note named for the option, in reply to the Question, to its
// author alone.
func voteActivity(out *models.Outgoing) (map[string]any, audience, error) {
	v := out.PollVote
	if v.Vote == nil || v.Author == nil && len(out.Recipients) == 0 {
		return nil, audience{}, fmt.Errorf("encode vote %s: no vote or poll author", out.ID)
	}
	author := v.Author
	if author == nil {
		author = out.Recipients[0]
	}
	to := []string{author.URI}
	doc := map[string]any{"id": out.ID, "type": "Create", "actor": out.Actor.URI, "to": to,
		"object": map[string]any{"id": v.Vote.URI, "type": "Note", "name": v.Title, "attributedTo": out.Actor.URI,
			"to": to, "inReplyTo": v.QuestionURI}}
	return doc, audience{accounts: []*models.Account{author}}, nil
}

// profileUpdate is an Update of the actor itself, sent to its followers.
func profileUpdate(out *models.Outgoing, doc map[string]any, emojis []models.CustomEmoji) audience {
	actorDoc := ActorDocument(out.Actor)
	AddEmojiTags(actorDoc, emojis)
	delete(actorDoc, "@context")
	doc["object"] = actorDoc
	doc["to"] = []string{models.PublicAddress}
	doc["cc"] = []string{out.Actor.FollowersURI}
	return audience{followersOf: out.Actor.ID}
}

// accountActivity is a Follow or Block: its object is the target account,
// and it goes to that account alone.
func (e *Encoder) accountActivity(in activityInput) (audience, error) {
	out := in.out
	if out.Target == nil {
		return audience{}, fmt.Errorf("encode %s %s: no target", out.Type, out.ID)
	}
	in.doc["object"] = out.Target.URI
	return addressTo(in.doc, out.Target), nil
}

// followAnswer is an Accept or Reject of a Follow, sent to the follower.
func (e *Encoder) followAnswer(in activityInput) (audience, error) {
	out := in.out
	if out.Follow == nil || out.Target == nil {
		return audience{}, fmt.Errorf("encode %s %s: no follow or follower", out.Type, out.ID)
	}
	// The follower's server matches the Follow by its id; the other
	// fields let servers that do not keep it still make sense of it.
	in.doc["object"] = map[string]any{"id": out.Follow.URI, "type": "Follow", "actor": out.Target.URI, "object": out.Actor.URI}
	return addressTo(in.doc, out.Target), nil
}

// likeActivity is a Like, sent to the liked status's author.
func (e *Encoder) likeActivity(in activityInput) (audience, error) {
	target, err := likedStatus(in.ctx, in.st, in.out)
	if err != nil {
		return audience{}, err
	}
	in.doc["object"] = target.URI
	return addressTo(in.doc, target.Account), nil
}

// announceActivity is a boost: public, to the booster's followers and the
// boosted status's author.
func (e *Encoder) announceActivity(in activityInput) (audience, error) {
	out, doc := in.out, in.doc
	if out.Status == nil || out.Status.ReblogOfID == nil {
		return audience{}, fmt.Errorf("encode Announce %s: no boost", out.ID)
	}
	orig, err := in.st.StatusByID(in.ctx, *out.Status.ReblogOfID)
	if err != nil {
		return audience{}, fmt.Errorf("encode Announce %s: %w", out.ID, err)
	}
	doc["object"] = orig.URI
	doc["published"] = out.Status.CreatedAt.UTC().Format(time.RFC3339)
	doc["to"] = []string{models.PublicAddress}
	doc["cc"] = []string{out.Actor.FollowersURI, orig.Account.URI}
	return audience{accounts: []*models.Account{orig.Account}, followersOf: out.Actor.ID}, nil
}

// undoActivity wraps the activity it takes back and goes where that went;
// an Undo of an Undo is refused.
func (e *Encoder) undoActivity(in activityInput) (audience, error) {
	out := in.out
	if out.Undo == nil || in.depth > 0 {
		return audience{}, fmt.Errorf("encode Undo %s: nothing (or an Undo) to undo", out.ID)
	}
	inner, aud, err := e.activity(in.ctx, in.st, out.Undo, in.depth+1)
	if err != nil {
		return audience{}, fmt.Errorf("encode Undo %s: %w", out.ID, err)
	}
	in.doc["object"] = inner
	copyAudience(in.doc, inner)
	return aud, nil
}

// copyAudience addresses doc as from is addressed, leaving out the fields
// from does not have: some servers refuse "cc": null.
func copyAudience(doc, from map[string]any) {
	for _, field := range []string{"to", "cc"} {
		if v, ok := from[field]; ok && v != nil {
			doc[field] = v
		}
	}
}

// addressSupporters names, beside the mentioned accounts, the supporters
// this one delivery is for (the social area sends one per instance) and the
// author's supporters collection, which only the author's instance can
// enumerate: a receiving server learns only its own users' subscriptions,
// and sees a direct-addressed note.
func addressSupporters(note map[string]any, out *models.Outgoing) {
	to, _ := note["to"].([]string)
	to = append(slices.Clone(to), out.Actor.URI+"/supporters")
	for _, a := range out.Recipients {
		if !slices.Contains(to, a.URI) {
			to = append(to, a.URI)
		}
	}
	note["to"], note["cc"] = to, []string{}
}

// addressTo addresses doc to accounts by name and makes them its audience.
func addressTo(doc map[string]any, accs ...*models.Account) audience {
	to := []string{}
	for _, a := range accs {
		to = append(to, a.URI)
	}
	doc["to"] = to
	return audience{accounts: accs}
}

// likedStatus is the status a Like is about, with its author.
func likedStatus(ctx context.Context, st *store.Store, out *models.Outgoing) (*models.Status, error) {
	s := out.Status
	if s == nil && out.Favourite != nil {
		var err error
		if s, err = st.StatusByID(ctx, out.Favourite.StatusID); err != nil {
			return nil, fmt.Errorf("encode Like %s: %w", out.ID, err)
		}
	}
	if s == nil {
		return nil, fmt.Errorf("encode Like %s: no status", out.ID)
	}
	if _, err := statusAuthor(ctx, st, s); err != nil {
		return nil, err
	}
	return s, nil
}

// statusAuthor loads s.Account when the caller did not.
func statusAuthor(ctx context.Context, st *store.Store, s *models.Status) (*models.Account, error) {
	if s.Account != nil {
		return s.Account, nil
	}
	a, err := st.AccountByID(ctx, s.AccountID)
	if err != nil {
		return nil, fmt.Errorf("author of %s: %w", s.URI, err)
	}
	s.Account = a
	return a, nil
}

// accountDomain is the handle domain: the account's, or for a local one
// the host of its URI.
func accountDomain(a *models.Account) string {
	if a.Domain != "" {
		return a.Domain
	}
	return hostOf(a.URI)
}

// baseURL is scheme://host of an absolute URI.
func baseURL(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// nilIfEmpty lets optional properties be JSON null, as Mastodon sends them.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// emojiTags are Mastodon's Emoji tags of local custom emoji: the
// :shortcode: and its image.
func emojiTags(list []models.CustomEmoji) []any {
	out := make([]any, 0, len(list))
	for _, e := range list {
		out = append(out, map[string]any{"id": e.URI, "type": "Emoji", "name": ":" + e.Shortcode + ":",
			"updated": e.UpdatedAt.UTC().Format(time.RFC3339),
			"icon":    map[string]any{"type": "Image", "mediaType": e.MimeType, "url": e.URL}})
	}
	return out
}
