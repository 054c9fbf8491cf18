package mastoapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/server/service/core"
	"plaza/server/service/media"
	"plaza/server/service/moderation"
	"plaza/server/service/pins"
	"plaza/server/service/social"
	"plaza/server/service/tags"
)

// Limits Plaza advertises to clients.
const (
	maxStatusCharacters      = 5000
	maxMediaAttachments      = social.MaxStatusMedia
	charactersReservedPerURL = 23
	imageMatrixLimit         = media.MaxImagePixels // what uploads are held to
	maxPollOptions           = 4
	maxPollOptionCharacters  = 50
	minPollExpiration        = 300
	maxPollExpiration        = 2629746
	mediaDescriptionLimit    = 1500
)

var supportedMimeTypes = []string{"image/jpeg", "image/png", "image/webp", "image/gif"}

func (h *Handler) mountInstance(r *gin.Engine) {
	r.GET("/api/v1/instance", h.instanceV1)
	r.GET("/api/v2/instance", h.instanceV2)
	r.GET("/api/v1/instance/peers", h.instancePeers)
	r.GET("/api/v1/instance/rules", h.instanceRulesList)
	r.GET("/api/v1/custom_emojis", h.customEmojis)
	r.GET("/api/v1/preferences", h.user("read:accounts"), h.preferences)
}

func emptyJSONList(c *gin.Context) { c.JSON(http.StatusOK, []any{}) }

// versionString is what Mastodon clients parse to decide which API
// features they may use.
func (h *Handler) instanceVersion() string {
	v := h.svc.Config().Version
	if v == "" {
		v = h.cfg.Version
	}
	if v == "" {
		v = "dev"
	}
	return core.MastodonAPIVersion + " (compatible; Plaza " + v + ")"
}

func (h *Handler) instanceStreamingURL() string {
	cfg := h.svc.Config()
	scheme := "wss"
	if strings.EqualFold(cfg.Protocol, "http") {
		scheme = "ws"
	}
	return scheme + "://" + cfg.Host
}

func (h *Handler) instanceThumbnailURL() string {
	return h.svc.Core().URLs().Base() + "/static/header.png"
}

func (h *Handler) instanceStatusesConfig() gin.H {
	return gin.H{
		"max_characters":              maxStatusCharacters,
		"max_media_attachments":       maxMediaAttachments,
		"characters_reserved_per_url": charactersReservedPerURL,
	}
}

func (h *Handler) instanceMediaConfig() gin.H {
	return gin.H{
		"supported_mime_types":   append(slices.Clone(supportedMimeTypes), h.cfg.AV.MimeTypes()...),
		"image_size_limit":       h.cfg.MaxUploadBytes,
		"image_matrix_limit":     imageMatrixLimit,
		"video_size_limit":       h.cfg.MaxUploadBytes,
		"video_frame_rate_limit": media.MaxVideoFrameRate,
		"video_matrix_limit":     media.MaxVideoPixels,
		"description_limit":      mediaDescriptionLimit,
	}
}

func instancePollsConfig() gin.H {
	return gin.H{
		"max_options":               maxPollOptions,
		"max_characters_per_option": maxPollOptionCharacters,
		"min_expiration":            minPollExpiration,
		"max_expiration":            maxPollExpiration,
	}
}

func instanceDescription(set moderation.InstanceSettings) string {
	if set.Description != "" {
		return set.Description
	}
	return "A Plaza instance: a federated place to post, talk and pay."
}

// instanceRules are the admin's rules as Mastodon's Rule entities.
func instanceRules(set moderation.InstanceSettings) []gin.H {
	out := make([]gin.H, len(set.Rules))
	for i, r := range set.Rules {
		out[i] = gin.H{"id": strconv.Itoa(i + 1), "text": r, "hint": ""}
	}
	return out
}

// instanceV1 is GET /api/v1/instance (Mastodon's V1::Instance entity).
func (h *Handler) instanceV1(c *gin.Context) {
	ctx := c.Request.Context()
	cfg := h.svc.Config()
	set, err := h.svc.Moderation().InstanceSettings(ctx)
	if err != nil {
		writeError(c, err)
		return
	}
	usage, err := h.svc.Moderation().Usage(ctx)
	if err != nil {
		writeError(c, err)
		return
	}
	domains, err := h.svc.Moderation().DomainCount(ctx)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"uri":               cfg.Host,
		"title":             set.Name,
		"short_description": instanceDescription(set),
		"description":       instanceDescription(set),
		"email":             set.ContactEmail,
		"version":           h.instanceVersion(),
		"urls":              gin.H{"streaming_api": h.instanceStreamingURL()},
		"stats":             gin.H{"user_count": usage.Users, "status_count": usage.LocalPosts, "domain_count": domains},
		"thumbnail":         h.instanceThumbnailURL(),
		"languages":         []string{"en"},
		"registrations":     set.RegistrationsMode != moderation.RegistrationsClosed,
		"approval_required": set.ApprovalRequired(),
		"invites_enabled":   false,
		"configuration": gin.H{
			"accounts":          gin.H{"max_featured_tags": tags.MaxFeatured},
			"statuses":          h.instanceStatusesConfig(),
			"media_attachments": h.instanceMediaConfig(),
			"polls":             instancePollsConfig(),
		},
		"contact_account": nil,
		"rules":           instanceRules(set),
	})
}

// instanceV2 is GET /api/v2/instance (Mastodon's Instance entity).
func (h *Handler) instanceV2(c *gin.Context) {
	cfg := h.svc.Config()
	set, err := h.svc.Moderation().InstanceSettings(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	usage, err := h.svc.Moderation().Usage(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"domain":      cfg.Host,
		"title":       set.Name,
		"version":     h.instanceVersion(),
		"source_url":  h.svc.Core().URLs().Base() + "/",
		"description": instanceDescription(set),
		// Plaza does not track sign-ins; every local user counts as active.
		"usage":     gin.H{"users": gin.H{"active_month": usage.Users}},
		"thumbnail": gin.H{"url": h.instanceThumbnailURL()},
		"languages": []string{"en"},
		"configuration": gin.H{
			"urls":              gin.H{"streaming": h.instanceStreamingURL()},
			"vapid":             gin.H{"public_key": h.vapidKey(c)},
			"accounts":          gin.H{"max_featured_tags": tags.MaxFeatured, "max_pinned_statuses": pins.MaxPins},
			"statuses":          h.instanceStatusesConfig(),
			"media_attachments": h.instanceMediaConfig(),
			"polls":             instancePollsConfig(),
			"translation":       gin.H{"enabled": false},
		},
		"registrations": gin.H{"enabled": set.RegistrationsMode != moderation.RegistrationsClosed, "approval_required": set.ApprovalRequired(), "message": nil, "url": nil},
		"api_versions":  gin.H{"mastodon": 2},
		"contact":       gin.H{"email": set.ContactEmail, "account": nil},
		"rules":         instanceRules(set),
	})
}

// instanceRulesList is GET /api/v1/instance/rules: the rules the admin
// saved.
func (h *Handler) instanceRulesList(c *gin.Context) {
	set, err := h.svc.Moderation().InstanceSettings(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, instanceRules(set))
}

// instancePeers is GET /api/v1/instance/peers.
func (h *Handler) instancePeers(c *gin.Context) {
	peers, err := h.svc.Moderation().Peers(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	if peers == nil {
		peers = []string{}
	}
	c.JSON(http.StatusOK, peers)
}

// preferences is GET /api/v1/preferences: the posting defaults the user
// set through update_credentials' source[…]; Plaza keeps no reading
// preferences, so those are Mastodon's defaults.
func (h *Handler) preferences(c *gin.Context) {
	p, err := h.svc.Accounts().Preferences(c.Request.Context(), currentAccount(c))
	if err != nil {
		writeError(c, err)
		return
	}
	var lang *string
	if p.Language != "" {
		lang = &p.Language
	}
	c.JSON(http.StatusOK, gin.H{
		"posting:default:visibility": p.Privacy,
		"posting:default:sensitive":  p.Sensitive,
		"posting:default:language":   lang,
		"reading:expand:media":       "default",
		"reading:expand:spoilers":    false,
	})
}
