package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"plaza/models"
	"plaza/sanitize"
)

// maxURILength matches the size of the URI columns of models.Account.
const maxURILength = 2048

// PublicKey is an actor's key as published in its document.
type PublicKey struct {
	ID    string
	Owner string
	PEM   string
}

// Actor is a decoded ActivityPub actor document. Decoding tolerates the
// shapes real servers publish (links as strings, objects or arrays; keys as
// an object or an array) and keeps only what Plaza stores.
type Actor struct {
	ID                        string
	Type                      string
	PreferredUsername         string
	Name                      string
	Summary                   string // raw remote HTML; Account sanitises it
	URL                       string
	Icon                      string
	Image                     string
	Inbox                     string
	SharedInbox               string
	Outbox                    string
	Followers                 string
	Following                 string
	Featured                  string
	FeaturedTags              string // toot:featuredTags, the profile's hashtags
	ManuallyApprovesFollowers bool
	Discoverable              bool
	Published                 time.Time
	PublicKey                 PublicKey
	PaymentsEndpoint          string
	// Fields are the profile's PropertyValue pairs: Name plain text, Value
	// raw remote HTML (Account sanitises it).
	Fields []models.AccountField
	// Tags are the actor's Emoji tags (the custom emoji of its name and bio).
	Tags []models.APTag
}

// rawActor is the wire form; anything whose shape varies between servers is
// kept raw and decoded by hand.
type rawActor struct {
	ID                        string          `json:"id"`
	Type                      json.RawMessage `json:"type"`
	PreferredUsername         json.RawMessage `json:"preferredUsername"`
	Name                      json.RawMessage `json:"name"`
	Summary                   json.RawMessage `json:"summary"`
	URL                       json.RawMessage `json:"url"`
	Icon                      json.RawMessage `json:"icon"`
	Image                     json.RawMessage `json:"image"`
	Inbox                     json.RawMessage `json:"inbox"`
	Outbox                    json.RawMessage `json:"outbox"`
	Followers                 json.RawMessage `json:"followers"`
	Following                 json.RawMessage `json:"following"`
	Featured                  json.RawMessage `json:"featured"`
	FeaturedTags              json.RawMessage `json:"featuredTags"`
	Tag                       json.RawMessage `json:"tag"`
	Endpoints                 json.RawMessage `json:"endpoints"`
	ManuallyApprovesFollowers json.RawMessage `json:"manuallyApprovesFollowers"`
	Discoverable              json.RawMessage `json:"discoverable"`
	Published                 json.RawMessage `json:"published"`
	PublicKey                 json.RawMessage `json:"publicKey"`
	Attachment                json.RawMessage `json:"attachment"`
}

type rawKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// ParseActor decodes an actor document. The id, inbox and preferredUsername
// are required, and so is a public key owned by the actor.
func ParseActor(data []byte) (*Actor, error) {
	var raw rawActor
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse actor: %w", err)
	}
	if err := checkAbsolute(raw.ID); err != nil {
		return nil, fmt.Errorf("parse actor: id: %w", err)
	}
	a := &Actor{
		ID:                        raw.ID,
		Type:                      firstString(raw.Type),
		PreferredUsername:         strings.TrimSpace(firstString(raw.PreferredUsername)),
		Name:                      firstString(raw.Name),
		Summary:                   firstString(raw.Summary),
		URL:                       linkHref(raw.URL),
		Icon:                      linkHref(raw.Icon),
		Image:                     linkHref(raw.Image),
		Inbox:                     linkHref(raw.Inbox),
		Outbox:                    linkHref(raw.Outbox),
		Followers:                 linkHref(raw.Followers),
		Following:                 linkHref(raw.Following),
		Featured:                  linkHref(raw.Featured),
		FeaturedTags:              linkHref(raw.FeaturedTags),
		Tags:                      decodeTags(raw.Tag),
		ManuallyApprovesFollowers: boolValue(raw.ManuallyApprovesFollowers),
		// Mastodon treats a missing discoverable as "no"; so do we.
		Discoverable:     boolValue(raw.Discoverable),
		PaymentsEndpoint: paymentLink(raw.Attachment),
		Fields:           propertyValues(raw.Attachment),
	}
	if a.PreferredUsername == "" {
		return nil, fmt.Errorf("parse actor %s: no preferredUsername", a.ID)
	}
	if a.Type == "" {
		return nil, fmt.Errorf("parse actor %s: no type", a.ID)
	}
	if err := checkAbsolute(a.Inbox); err != nil {
		return nil, fmt.Errorf("parse actor %s: inbox: %w", a.ID, err)
	}
	if len(raw.Endpoints) > 0 {
		var ep map[string]json.RawMessage
		if json.Unmarshal(raw.Endpoints, &ep) == nil {
			a.SharedInbox = linkHref(ep["sharedInbox"])
		}
	}
	if p := firstString(raw.Published); p != "" {
		if t, err := time.Parse(time.RFC3339, p); err == nil {
			a.Published = t
		}
	}
	// Optional links that are not absolute http(s) URLs were dropped by
	// linkHref (remoteURL) rather than failing the whole actor.
	key, err := pickKey(raw.PublicKey, a.ID)
	if err != nil {
		return nil, fmt.Errorf("parse actor %s: %w", a.ID, err)
	}
	a.PublicKey = key
	return a, nil
}

// pickKey chooses the actor's own key from a publicKey object or array.
func pickKey(raw json.RawMessage, actorID string) (PublicKey, error) {
	var keys []rawKey
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return PublicKey{}, errors.New("no publicKey")
	case raw[0] == '[':
		if err := json.Unmarshal(raw, &keys); err != nil {
			return PublicKey{}, fmt.Errorf("publicKey: %w", err)
		}
	default:
		var k rawKey
		if err := json.Unmarshal(raw, &k); err != nil {
			return PublicKey{}, fmt.Errorf("publicKey: %w", err)
		}
		keys = []rawKey{k}
	}
	for _, k := range keys {
		// An owner-less key is accepted only when served inside the actor and
		// on the actor's host; the host check is in sameHost below.
		if k.Owner != "" && k.Owner != actorID {
			continue
		}
		if k.ID == "" || k.PublicKeyPem == "" {
			continue
		}
		if err := checkAbsolute(k.ID); err != nil || !sameHost(k.ID, actorID) {
			continue
		}
		return PublicKey{ID: k.ID, Owner: actorID, PEM: k.PublicKeyPem}, nil
	}
	return PublicKey{}, errors.New("no publicKey owned by the actor")
}

// Account converts the actor to a remote models.Account (not yet stored).
func (a *Actor) Account() (*models.Account, error) {
	u, err := url.Parse(a.ID)
	if err != nil {
		return nil, fmt.Errorf("actor account: %w", err)
	}
	acc := &models.Account{
		Username:     a.PreferredUsername,
		Domain:       strings.ToLower(u.Host),
		ActorType:    actorType(a.Type),
		DisplayName:  truncate(a.Name, 255),
		Note:         sanitize.HTML(a.Summary),
		AvatarURL:    a.Icon,
		HeaderURL:    a.Image,
		Locked:       a.ManuallyApprovesFollowers,
		Discoverable: a.Discoverable,
		URI:          a.ID,
		URL:          a.URL,
		InboxURI:     a.Inbox,
		SharedInbox:  a.SharedInbox,
		OutboxURI:    a.Outbox,
		FollowersURI: a.Followers,
		FollowingURI: a.Following,
		FeaturedURI:  a.Featured,
		PaymentsURI:  a.PaymentsEndpoint,
		FieldsJSON:   remoteFieldsJSON(a.Fields),
		PublicKeyID:  a.PublicKey.ID,
		PublicKeyPEM: a.PublicKey.PEM,
		FetchedAt:    time.Now().UTC(),
	}
	acc.FeaturedTagsURI = a.FeaturedTags
	if utf8.RuneCountInString(acc.Username) > 255 {
		return nil, fmt.Errorf("actor account %s: username too long", a.ID)
	}
	if len(acc.URI) > maxURILength || len(acc.PublicKeyID) > maxURILength || len(acc.InboxURI) > maxURILength {
		return nil, fmt.Errorf("actor account %s: URI too long", a.ID)
	}
	for _, s := range []*string{&acc.AvatarURL, &acc.HeaderURL, &acc.URL, &acc.SharedInbox, &acc.OutboxURI, &acc.FollowersURI, &acc.FollowingURI, &acc.FeaturedURI, &acc.FeaturedTagsURI, &acc.PaymentsURI} {
		if len(*s) > maxURILength {
			*s = ""
		}
	}
	return acc, nil
}

// Bounds on a remote profile's fields: Mastodon keeps a fixed number too,
// and a hostile actor must not fill the row.
const (
	maxRemoteFields     = 16
	maxRemoteFieldName  = 255
	maxRemoteFieldValue = 2048
)

// propertyValues reads the PropertyValue attachments (Mastodon's profile
// fields) of an actor, at most maxRemoteFields of them.
func propertyValues(raw json.RawMessage) []models.AccountField {
	var out []models.AccountField
	for _, it := range rawItems(raw) {
		var pv struct {
			Type  json.RawMessage `json:"type"`
			Name  json.RawMessage `json:"name"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(it, &pv) != nil || firstString(pv.Type) != "PropertyValue" {
			continue
		}
		name, value := strings.TrimSpace(plainString(pv.Name)), strings.TrimSpace(plainString(pv.Value))
		if name == "" && value == "" {
			continue
		}
		out = append(out, models.AccountField{Name: truncate(name, maxRemoteFieldName), Value: truncate(value, maxRemoteFieldValue)})
		if len(out) == maxRemoteFields {
			break
		}
	}
	return out
}

// remoteFieldsJSON stores remote fields as local ones are stored (name
// escaped text, value HTML), the value cleaned by the remote HTML policy.
func remoteFieldsJSON(fields []models.AccountField) string {
	out := make([]models.AccountField, 0, len(fields))
	for _, f := range fields {
		out = append(out, models.AccountField{Name: html.EscapeString(f.Name), Value: sanitize.HTML(f.Value)})
	}
	raw, _ := json.Marshal(out) // a slice of string pairs always marshals
	return string(raw)
}

func actorType(t string) models.ActorType {
	switch t {
	case "Service":
		return models.ActorService
	case "Application":
		return models.ActorApplication
	case "Group", "Organization":
		return models.ActorGroup
	default:
		return models.ActorPerson
	}
}

// firstString reads a string, or the first string of an array.
func firstString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var ss []string
	if json.Unmarshal(raw, &ss) == nil && len(ss) > 0 {
		return ss[0]
	}
	return ""
}

func boolValue(raw json.RawMessage) bool {
	var b bool
	_ = json.Unmarshal(raw, &b)
	return b
}

// checkAbsolute accepts absolute http(s) URLs with a host (remoteURL's
// rule), for the links an actor or activity cannot do without.
func checkAbsolute(s string) error {
	if s == "" {
		return errors.New("missing")
	}
	if remoteURL(s) == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// hostOf returns the lowercased host (with port) of an absolute URL, or "".
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

func sameHost(a, b string) bool {
	ha := hostOf(a)
	return ha != "" && ha == hostOf(b)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// AddEmojiTags gives an actor document the Emoji tags of the local custom
// emoji its name and bio use.
func AddEmojiTags(doc map[string]any, emojis []models.CustomEmoji) {
	if len(emojis) > 0 {
		doc["tag"] = emojiTags(emojis)
	}
}

// ActorDocument renders a local account as an ActivityPub actor: Person, or
// Application for the instance actor (whatever a.ActorType says).
func ActorDocument(a *models.Account) map[string]any {
	typ := string(a.ActorType)
	if typ == "" {
		typ = string(models.ActorPerson)
	}
	doc := map[string]any{
		"@context": []any{
			"https://www.w3.org/ns/activitystreams",
			"https://w3id.org/security/v1",
			map[string]any{
				"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
				"toot":                      "http://joinmastodon.org/ns#",
				"discoverable":              "toot:discoverable",
				"featured":                  map[string]any{"@id": "toot:featured", "@type": "@id"},
				"featuredTags":              map[string]any{"@id": "toot:featuredTags", "@type": "@id"},
				"schema":                    "http://schema.org#",
				"PropertyValue":             "schema:PropertyValue",
				"value":                     "schema:value",
			},
		},
		"id":                        a.URI,
		"type":                      typ,
		"preferredUsername":         a.Username,
		"name":                      a.DisplayName,
		"summary":                   a.Note,
		"inbox":                     a.InboxURI,
		"outbox":                    a.OutboxURI,
		"manuallyApprovesFollowers": a.Locked,
		"discoverable":              a.Discoverable,
		"published":                 a.CreatedAt.UTC().Format(time.RFC3339),
		"publicKey": map[string]any{
			"id":           a.PublicKeyID,
			"owner":        a.URI,
			"publicKeyPem": a.PublicKeyPEM,
		},
	}
	// An actor without a collection (the instance actor has no
	// followers) leaves the field out: "" is not a valid id.
	for field, uri := range map[string]string{"url": a.URL, "followers": a.FollowersURI, "following": a.FollowingURI, "featured": a.FeaturedURI, "featuredTags": a.FeaturedTagsURI} {
		if uri != "" {
			doc[field] = uri
		}
	}
	if a.SharedInbox != "" {
		doc["endpoints"] = map[string]any{"sharedInbox": a.SharedInbox}
	}
	if a.AvatarURL != "" {
		doc["icon"] = map[string]any{"type": "Image", "url": a.AvatarURL}
	}
	if a.HeaderURL != "" {
		doc["image"] = map[string]any{"type": "Image", "url": a.HeaderURL}
	}
	attachment := localPropertyValues(a.FieldsJSON)
	if a.PaymentsURI != "" {
		attachment = append(attachment, map[string]any{
			"type": "Link", "name": "Pay", "rel": []string{relPayment, relProposal}, "href": a.PaymentsURI,
		})
	}
	if len(attachment) > 0 {
		doc["attachment"] = attachment
	}
	return doc
}

// localPropertyValues renders a local profile's fields (stored as escaped
// text) as Mastodon's PropertyValue attachments: name as plain text, value
// as HTML, a web address becoming a rel="me" link as Mastodon sends it.
func localPropertyValues(fieldsJSON string) []any {
	var fields []models.AccountField
	if json.Unmarshal([]byte(fieldsJSON), &fields) != nil {
		return nil
	}
	out := make([]any, 0, len(fields))
	for _, f := range fields {
		name, value := html.UnescapeString(f.Name), f.Value
		if text := html.UnescapeString(value); remoteURL(text) != "" && !strings.ContainsAny(text, " \t\n\"<>") {
			value = `<a href="` + html.EscapeString(text) + `" rel="me nofollow noopener noreferrer" target="_blank">` + value + `</a>`
		}
		out = append(out, map[string]any{"type": "PropertyValue", "name": name, "value": sanitize.HTML(value)})
	}
	return out
}

// FEP-0ea0 payment link relations; PAYMENTS.md, "Discovery".
const (
	relPayment  = "payment"
	relProposal = "https://w3id.org/valueflows/ont/vf#Proposal"
)

// paymentLink finds the FEP-0ea0 link in an actor's attachment whose rel
// names both a payment and a ValueFlows Proposal: the Plaza-style payee
// endpoint. Other payment links (Ko-fi and the like) do not qualify.
func paymentLink(raw json.RawMessage) string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		items = []json.RawMessage{raw}
	}
	for _, item := range items {
		var link struct {
			Type string          `json:"type"`
			Rel  json.RawMessage `json:"rel"`
			Href string          `json:"href"`
		}
		if json.Unmarshal(item, &link) != nil || link.Type != "Link" || remoteURL(link.Href) == "" {
			continue
		}
		var rels []string
		if json.Unmarshal(link.Rel, &rels) != nil {
			var one string
			if json.Unmarshal(link.Rel, &one) == nil {
				rels = []string{one}
			}
		}
		if slices.Contains(rels, relPayment) && slices.Contains(rels, relProposal) {
			return link.Href
		}
	}
	return ""
}
