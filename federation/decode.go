package federation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"plaza/models"
	"plaza/sanitize"
)

// remoteURL is the one gate for every URL read from a remote document (ids,
// links, attachments, tags, emoji, actor and payment links): an absolute
// http(s) URL passes, anything else (javascript:, data:, relative, garbage)
// becomes "" and the field is treated as absent. Mastodon likewise ignores
// objects and links with an unsupported URI scheme.
func remoteURL(s string) string { return sanitize.URL(s) }

// refURL is refID for a property that must be a URL (an id, an author, a
// link); addressing (as:Public) and context (tag: URIs) keep refID.
func refURL(raw json.RawMessage) string { return remoteURL(refID(raw)) }

// rawDoc holds the ActivityStreams properties Plaza reads from an activity
// or object. Every property that servers publish in more than one shape
// stays raw and is read by the tolerant helpers below.
type rawDoc struct {
	ID           json.RawMessage   `json:"id"`
	Type         json.RawMessage   `json:"type"`
	Actor        json.RawMessage   `json:"actor"`
	Object       json.RawMessage   `json:"object"`
	Target       json.RawMessage   `json:"target"`
	AttributedTo json.RawMessage   `json:"attributedTo"`
	Content      json.RawMessage   `json:"content"`
	ContentMap   map[string]string `json:"contentMap"`
	Summary      json.RawMessage   `json:"summary"`
	Sensitive    json.RawMessage   `json:"sensitive"`
	InReplyTo    json.RawMessage   `json:"inReplyTo"`
	Context      json.RawMessage   `json:"context"`
	Conversation json.RawMessage   `json:"conversation"`
	ChatName     json.RawMessage   `json:"chatName"`
	ChatEvent    json.RawMessage   `json:"chatEvent"`
	URL          json.RawMessage   `json:"url"`
	Published    json.RawMessage   `json:"published"`
	Updated      json.RawMessage   `json:"updated"`
	To           json.RawMessage   `json:"to"`
	Cc           json.RawMessage   `json:"cc"`
	Tag          json.RawMessage   `json:"tag"`
	Attachment   json.RawMessage   `json:"attachment"`
	Name         json.RawMessage   `json:"name"`
	OneOf        json.RawMessage   `json:"oneOf"`
	AnyOf        json.RawMessage   `json:"anyOf"`
	EndTime      json.RawMessage   `json:"endTime"`
	Closed       json.RawMessage   `json:"closed"`
	VotersCount  json.RawMessage   `json:"votersCount"`
	quoteDoc                       // quotes.go
}

// activityTypes are the types that, embedded as an object, are decoded as
// an activity (Undo of a Follow, Accept of a Follow, ...), not as an object.
var activityTypes = []string{
	"Create", "Update", "Delete", "Follow", "Accept", "Reject", "TentativeAccept", "TentativeReject",
	"Undo", "Like", "Announce", "Block", "Add", "Remove", "Move", "Flag", "EmojiReact", "Dislike",
}

// DecodeActivity reads an inbox activity in any of the shapes real servers
// send. Raw is set to body. Errors wrap ErrBadRequest.
func DecodeActivity(body []byte) (*models.APActivity, error) {
	var d rawDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: activity is not a JSON object: %w", ErrBadRequest, err)
	}
	a, err := decodeActivity(&d, 0)
	if err != nil {
		return nil, err
	}
	a.Raw = string(body)
	return a, nil
}

// maxNesting bounds Undo(Undo(Undo(...))) so a hostile body cannot recurse
// deeply.
const maxNesting = 4

func decodeActivity(d *rawDoc, depth int) (*models.APActivity, error) {
	a := &models.APActivity{
		ID:        refURL(d.ID),
		Type:      firstString(d.Type),
		Actor:     refURL(d.Actor),
		Target:    refURL(d.Target),
		To:        refList(d.To),
		Cc:        refList(d.Cc),
		Published: parseTime(d.Published),
	}
	if a.Type == "" {
		return nil, fmt.Errorf("%w: activity %s has no type", ErrBadRequest, a.ID)
	}
	if a.Type == "Flag" {
		a.Objects, a.Content = refList(d.Object), plainString(d.Content) // flag.go
	}
	obj := bytes.TrimSpace(d.Object)
	if len(obj) == 0 || string(obj) == "null" {
		return a, nil
	}
	if obj[0] == '[' {
		// A few servers wrap a single object in an array; take the first.
		var items []json.RawMessage
		if json.Unmarshal(obj, &items) != nil || len(items) == 0 {
			return nil, fmt.Errorf("%w: activity %s: unreadable object", ErrBadRequest, a.ID)
		}
		obj = bytes.TrimSpace(items[0])
	}
	if obj[0] != '{' {
		id := refURL(obj)
		if id == "" {
			return nil, fmt.Errorf("%w: activity %s: unreadable object", ErrBadRequest, a.ID)
		}
		a.Object = &models.APObject{ID: id}
		return a, nil
	}
	var inner rawDoc
	if err := json.Unmarshal(obj, &inner); err != nil {
		return nil, fmt.Errorf("%w: activity %s: object: %w", ErrBadRequest, a.ID, err)
	}
	if slices.Contains(activityTypes, firstString(inner.Type)) {
		if depth >= maxNesting {
			return nil, fmt.Errorf("%w: activity %s: activities nested too deeply", ErrBadRequest, a.ID)
		}
		sub, err := decodeActivity(&inner, depth+1)
		if err != nil {
			return nil, err
		}
		a.Activity = sub
		return a, nil
	}
	a.Object = decodeObject(&inner)
	return a, nil
}

// DecodeObject reads a fetched object document (a Note, Question, ...).
// Errors wrap ErrBadRequest.
func DecodeObject(body []byte) (*models.APObject, error) {
	var d rawDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: object is not a JSON object: %w", ErrBadRequest, err)
	}
	o := decodeObject(&d)
	if o.ID == "" || o.Type == "" {
		return nil, fmt.Errorf("%w: object without id or type", ErrBadRequest)
	}
	return o, nil
}

func decodeObject(d *rawDoc) *models.APObject {
	o := &models.APObject{
		ID:           refURL(d.ID),
		Type:         firstString(d.Type),
		AttributedTo: refURL(d.AttributedTo),
		Content:      plainString(d.Content),
		Summary:      plainString(d.Summary),
		Sensitive:    boolValue(d.Sensitive),
		InReplyTo:    refURL(d.InReplyTo),
		Context:      refID(d.Context),
		URL:          linkHref(d.URL),
		Published:    parseTime(d.Published),
		Updated:      parseTime(d.Updated),
		To:           refList(d.To),
		Cc:           refList(d.Cc),
		Tags:         decodeTags(d.Tag),
		Attachments:  decodeAttachments(d.Attachment),
		Listing:      decodeListing(d.Attachment),
	}
	if o.Context == "" {
		o.Context = refID(d.Conversation)
	}
	if len(d.ChatName) > 0 {
		name := plainString(d.ChatName)
		o.ChatName = &name
	}
	o.ChatEvent = plainString(d.ChatEvent)
	o.Name = plainString(d.Name)
	if o.Type == "Question" {
		o.Poll = decodePoll(d)
	}
	decodeQuote(d, o) // quotes.go
	if len(d.ContentMap) > 0 {
		// Sorted so that the choice among several languages is stable.
		langs := make([]string, 0, len(d.ContentMap))
		for l := range d.ContentMap {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		lang := langs[0]
		if o.Content == "" {
			o.Content = d.ContentMap[lang]
		} else {
			// Prefer the language whose text is the content itself.
			for _, l := range langs {
				if d.ContentMap[l] == o.Content {
					lang = l
					break
				}
			}
		}
		if lang != "und" {
			o.Language = lang
		}
	}
	return o
}

// maxPollOptions bounds the options read from one Question.
const maxPollOptions = 50

// decodePoll reads a Question's choices (oneOf, or anyOf for multiple
// choice) with their counts in replies.totalItems, its end and voters.
func decodePoll(d *rawDoc) *models.APPoll {
	p := &models.APPoll{EndTime: parseTime(d.EndTime), VotersCount: int64(intValue(d.VotersCount))}
	items := rawItems(d.OneOf)
	if len(items) == 0 {
		items, p.Multiple = rawItems(d.AnyOf), true
	}
	// closed is a time (Mastodon) or, from some servers, true.
	if c := parseTime(d.Closed); !c.IsZero() {
		p.Closed = c
	} else if boolValue(d.Closed) {
		p.Closed = p.EndTime
		if p.Closed.IsZero() {
			p.Closed = time.Unix(0, 0).UTC()
		}
	}
	for _, it := range items {
		if len(p.Options) == maxPollOptions {
			break
		}
		var o struct {
			Name    json.RawMessage `json:"name"`
			Replies struct {
				TotalItems json.RawMessage `json:"totalItems"`
			} `json:"replies"`
		}
		if json.Unmarshal(it, &o) != nil || plainString(o.Name) == "" {
			continue
		}
		p.Options = append(p.Options, models.PollOption{Title: plainString(o.Name), VotesCount: int64(intValue(o.Replies.TotalItems))})
	}
	if len(p.Options) == 0 {
		return nil
	}
	return p
}

// decodeTags reads Mention, Hashtag and Emoji tags, one or many; other
// kinds of tags are skipped.
func decodeTags(raw json.RawMessage) []models.APTag {
	var tags []models.APTag
	for _, it := range rawItems(raw) {
		var t struct {
			Type json.RawMessage `json:"type"`
			Name json.RawMessage `json:"name"`
			Href json.RawMessage `json:"href"`
			ID   json.RawMessage `json:"id"`
			Icon json.RawMessage `json:"icon"`
		}
		if json.Unmarshal(it, &t) != nil {
			continue
		}
		tag := models.APTag{Type: firstString(t.Type), Name: plainString(t.Name), Href: refURL(t.Href)}
		switch tag.Type {
		case "Mention", "Hashtag":
		case "Emoji":
			// An emoji's href is its image, never its id (a page, not a
			// picture).
			if tag.Href = linkHref(t.Icon); tag.Href == "" {
				continue
			}
		default:
			continue
		}
		if tag.Href == "" {
			tag.Href = refURL(t.ID)
		}
		tags = append(tags, tag)
	}
	return tags
}

// decodeAttachments reads Document/Image/Video/Audio attachments, one or
// many; a url may be a string, a Link or an array of Links.
func decodeAttachments(raw json.RawMessage) []models.APAttachment {
	var out []models.APAttachment
	for _, it := range rawItems(raw) {
		var a struct {
			Type      json.RawMessage `json:"type"`
			MediaType string          `json:"mediaType"`
			URL       json.RawMessage `json:"url"`
			Href      json.RawMessage `json:"href"`
			Name      json.RawMessage `json:"name"`
			Summary   json.RawMessage `json:"summary"` // GoToSocial's alt text
			Blurhash  string          `json:"blurhash"`
			Width     json.RawMessage `json:"width"`
			Height    json.RawMessage `json:"height"`
		}
		if json.Unmarshal(it, &a) != nil {
			continue
		}
		att := models.APAttachment{
			Type:      firstString(a.Type),
			MediaType: a.MediaType,
			URL:       mediaURL(a.URL),
			Name:      plainString(a.Name),
			Blurhash:  a.Blurhash,
			Width:     intValue(a.Width),
			Height:    intValue(a.Height),
		}
		if att.Name == "" {
			att.Name = plainString(a.Summary)
		}
		if att.URL == "" {
			att.URL = refURL(a.Href)
		}
		if att.MediaType == "" {
			att.MediaType = linkMediaType(a.URL)
		}
		if att.URL == "" || att.Type == "PropertyValue" {
			continue
		}
		out = append(out, att)
	}
	return out
}

// mediaURL is the file of an attachment: unlike a profile url, a Link array
// here lists the same file in several forms, so the first usable one is
// taken.
func mediaURL(raw json.RawMessage) string {
	for _, it := range rawItems(raw) {
		if u := remoteURL(refOrHref(it)); u != "" {
			return u
		}
	}
	return ""
}

// linkMediaType reads mediaType from a url given as a Link (or Links).
func linkMediaType(raw json.RawMessage) string {
	for _, it := range rawItems(raw) {
		var l struct {
			MediaType string `json:"mediaType"`
		}
		if json.Unmarshal(it, &l) == nil && l.MediaType != "" {
			return l.MediaType
		}
	}
	return ""
}

// linkHref reads a link however it is written: "https://…", {"href": …},
// {"url": …} (an Image), {"id": …}, or an array of any of these (first
// usable one wins, preferring text/html links for profile URLs). Only
// absolute http(s) URLs are usable (remoteURL).
func linkHref(raw json.RawMessage) string { return linkHrefDepth(raw, 0) }

// maxLinkNesting bounds how deep linkHref looks into links inside links;
// real documents nest two levels at most (an array of Links with a url).
const maxLinkNesting = 4

func linkHrefDepth(raw json.RawMessage, depth int) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth > maxLinkNesting {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return remoteURL(s)
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return ""
		}
		first := ""
		for _, it := range items {
			href := linkHrefDepth(it, depth+1)
			if href == "" {
				continue
			}
			var obj struct {
				MediaType string `json:"mediaType"`
			}
			if json.Unmarshal(it, &obj) == nil && obj.MediaType == "text/html" {
				return href
			}
			if first == "" {
				first = href
			}
		}
		return first
	case '{':
		var obj struct {
			Href json.RawMessage `json:"href"`
			URL  json.RawMessage `json:"url"`
			ID   string          `json:"id"`
		}
		if json.Unmarshal(raw, &obj) != nil {
			return ""
		}
		if h := linkHrefDepth(obj.Href, depth+1); h != "" {
			return h
		}
		if h := linkHrefDepth(obj.URL, depth+1); h != "" {
			return h
		}
		return remoteURL(obj.ID)
	}
	return ""
}

// rawItems splits a property that is one value or an array of values.
func rawItems(raw json.RawMessage) []json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '[' {
		return []json.RawMessage{raw}
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	return items
}

// refID reads a reference: a string, or an embedded object's id (a Link's
// href when it has no id), or the first of an array.
func refID(raw json.RawMessage) string {
	items := rawItems(raw)
	if len(items) == 0 {
		return ""
	}
	it := bytes.TrimSpace(items[0])
	if len(it) == 0 {
		return ""
	}
	switch it[0] {
	case '"':
		var s string
		_ = json.Unmarshal(it, &s)
		return s
	case '{':
		var o struct {
			ID   json.RawMessage `json:"id"`
			Href json.RawMessage `json:"href"`
		}
		if json.Unmarshal(it, &o) != nil {
			return ""
		}
		if id := refID(o.ID); id != "" {
			return id
		}
		return refID(o.Href)
	}
	return ""
}

// refOrHref is refID preferring a Link's href over its id.
func refOrHref(raw json.RawMessage) string {
	var o struct {
		Href json.RawMessage `json:"href"`
	}
	if json.Unmarshal(raw, &o) == nil {
		if h := refID(o.Href); h != "" {
			return h
		}
	}
	return refID(raw)
}

// refList reads an addressing property: one reference or many.
func refList(raw json.RawMessage) []string {
	var out []string
	for _, it := range rawItems(raw) {
		if id := refID(it); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// plainString reads a string; null or any other shape is "".
func plainString(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// intValue reads a number given as a number or a numeric string.
func intValue(raw json.RawMessage) int {
	var f float64
	if json.Unmarshal(raw, &f) == nil {
		return int(f)
	}
	n, _ := strconv.Atoi(plainString(raw))
	return n
}

// parseTime reads an xsd:dateTime; anything unreadable is the zero time.
func parseTime(raw json.RawMessage) time.Time {
	s := plainString(raw)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
