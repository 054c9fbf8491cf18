package main

import (
	"fmt"
	"strings"
)

// mastodonEntities are the fields of Mastodon's entities that its docs
// (docs.joinmastodon.org/entities/…) give as never null, with which entity
// a nested one is. "name" must be present and not null; "name=Entity" is
// also checked as that entity ("Entity[]" an array of it); "name?=Entity"
// may be null or absent but is checked when given. Dotted names reach into
// plain hashes ("urls.streaming_api"). An app that decodes strictly (Tusky's
// Moshi, Ice Cubes' Codable) fails on any of these missing.
var mastodonEntities = map[string][]string{
	"Account": {"id", "username", "acct", "url", "display_name", "note", "avatar", "avatar_static", "header", "header_static",
		"locked", "fields=Field[]", "emojis=CustomEmoji[]", "bot", "group", "created_at", "statuses_count", "followers_count",
		"following_count", "moved?=Account"},
	"CredentialAccount": {"=Account", "source.note", "source.fields", "source.privacy", "source.sensitive", "source.follow_requests_count"},
	"Field":             {"name", "value"},
	"Status": {"id", "uri", "created_at", "account=Account", "content", "visibility", "sensitive", "spoiler_text",
		"media_attachments=MediaAttachment[]", "mentions=Mention[]", "tags=StatusTag[]", "emojis=CustomEmoji[]",
		"reblogs_count", "favourites_count", "replies_count", "reblog?=Status", "poll?=Poll", "card?=PreviewCard"},
	"Mention":              {"id", "username", "url", "acct"},
	"StatusTag":            {"name", "url"},
	"MediaAttachment":      {"id", "type", "url", "meta"},
	"Poll":                 {"id", "expired", "multiple", "votes_count", "options", "emojis=CustomEmoji[]"},
	"PreviewCard":          {"url", "title", "description", "type", "author_name", "author_url", "provider_name", "provider_url", "html", "width", "height", "embed_url"},
	"TrendsLink":           {"=PreviewCard", "history=TagHistory[]"},
	"CustomEmoji":          {"shortcode", "url", "static_url", "visible_in_picker"},
	"StatusSource":         {"id", "text", "spoiler_text"},
	"StatusEdit":           {"content", "spoiler_text", "sensitive", "created_at", "account=Account", "media_attachments=MediaAttachment[]", "emojis=CustomEmoji[]"},
	"ScheduledStatus":      {"id", "scheduled_at", "params", "media_attachments=MediaAttachment[]"},
	"Context":              {"ancestors=Status[]", "descendants=Status[]"},
	"Notification":         {"id", "type", "group_key", "created_at", "account=Account", "status?=Status"},
	"GroupedNotifications": {"accounts=Account[]", "statuses=Status[]", "notification_groups=NotificationGroup[]"},
	"NotificationGroup":    {"group_key", "notifications_count", "type", "most_recent_notification_id", "sample_account_ids"},
	"NotificationPolicy": {"for_not_following", "for_not_followers", "for_new_accounts", "for_private_mentions", "for_limited_accounts",
		"summary.pending_requests_count", "summary.pending_notifications_count"},
	"NotificationRequest": {"id", "created_at", "updated_at", "account=Account", "notifications_count"},
	"UnreadCount":         {"count"},
	"Instance": {"domain", "title", "version", "source_url", "description", "usage.users.active_month", "thumbnail.url", "languages",
		"configuration.urls.streaming", "configuration.accounts", "configuration.statuses", "configuration.media_attachments",
		"configuration.polls", "configuration.translation.enabled", "registrations.enabled", "registrations.approval_required",
		"contact.email", "rules=Rule[]"},
	"InstanceV1": {"uri", "title", "short_description", "description", "email", "version", "urls.streaming_api", "stats.user_count",
		"stats.status_count", "stats.domain_count", "languages", "registrations", "approval_required", "invites_enabled",
		"configuration.statuses", "configuration.media_attachments", "configuration.polls", "rules=Rule[]", "contact_account?=Account"},
	"Rule":   {"id", "text"},
	"Search": {"accounts=Account[]", "statuses=Status[]", "hashtags=Tag[]"},
	"List":   {"id", "title", "replies_policy", "exclusive"},
	"Tag":    {"name", "url", "history=TagHistory[]"},
	// TagHistory's counts are strings in Mastodon.
	"TagHistory":  {"day", "uses", "accounts"},
	"FeaturedTag": {"id", "name", "url", "statuses_count"},
	"Relationship": {"id", "following", "showing_reblogs", "notifying", "followed_by", "blocking", "blocked_by", "muting",
		"muting_notifications", "requested", "requested_by", "domain_blocking", "endorsed", "note"},
	"FamiliarFollowers": {"id", "accounts=Account[]"},
	"Marker":            {"last_read_id", "version", "updated_at"},
	"Filter":            {"id", "title", "context", "filter_action", "keywords=FilterKeyword[]", "statuses=FilterStatus[]"},
	"FilterKeyword":     {"id", "keyword", "whole_word"},
	"FilterStatus":      {"id", "status_id"},
	"FilterV1":          {"id", "phrase", "context", "irreversible", "whole_word"},
	"Preferences":       {"posting:default:visibility", "posting:default:sensitive", "reading:expand:media", "reading:expand:spoilers"},
	"Conversation":      {"id", "accounts=Account[]", "unread", "last_status?=Status"},
	"Announcement":      {"id", "content", "all_day", "published_at", "updated_at", "mentions", "statuses", "tags", "emojis=CustomEmoji[]", "reactions"},
	"Suggestion":        {"source", "account=Account"},
	"Nodeinfo":          {"version", "software.name", "software.version", "protocols", "usage.users", "openRegistrations"},
	"NodeinfoLinks":     {"links"},
}

// checkEntity lists what in v breaks the entity's never-null fields, each
// naming where in the answer it is ("$.statuses[0].account.acct").
func checkEntity(v any, entity, where string) []string {
	if elem, ok := strings.CutSuffix(entity, "[]"); ok {
		arr, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an array of %s", where, v, elem)}
		}
		var bad []string
		for i, e := range arr {
			bad = append(bad, checkEntity(e, elem, fmt.Sprintf("%s[%d]", where, i))...)
		}
		return bad
	}
	switch entity {
	case "Object":
		if _, ok := v.(map[string]any); !ok {
			return []string{fmt.Sprintf("%s: %T, want an object", where, v)}
		}
		return nil
	case "String":
		if _, ok := v.(string); !ok {
			return []string{fmt.Sprintf("%s: %T, want a string", where, v)}
		}
		return nil
	case "Markers": // a hash from timeline name to Marker
		m, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an object", where, v)}
		}
		var bad []string
		for k, e := range m {
			bad = append(bad, checkEntity(e, "Marker", where+"."+k)...)
		}
		return bad
	}
	fields, known := mastodonEntities[entity]
	if !known {
		return []string{fmt.Sprintf("%s: no fields known for entity %s", where, entity)}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %T, want a %s object", where, v, entity)}
	}
	var bad []string
	for _, f := range fields {
		name, sub, _ := strings.Cut(f, "=")
		if name == "" { // "=Account": everything Account has as well
			bad = append(bad, checkEntity(v, sub, where)...)
			continue
		}
		name, nullable := strings.CutSuffix(name, "?")
		val, present := lookupPath(obj, name)
		if !present || val == nil {
			if !nullable {
				bad = append(bad, fmt.Sprintf("%s.%s: missing or null in %s", where, name, entity))
			}
			continue
		}
		if sub != "" {
			bad = append(bad, checkEntity(val, sub, where+"."+name)...)
		}
	}
	return bad
}

// lookupPath follows a dotted path through nested objects; Preferences'
// keys hold colons, not dots, so they are looked up whole.
func lookupPath(obj map[string]any, path string) (any, bool) {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}
