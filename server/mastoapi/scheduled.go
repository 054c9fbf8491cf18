package mastoapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/scheduled"
	"plaza/server/service/social"
)

// mountScheduled adds Mastodon's scheduled statuses; POST /api/v1/statuses
// with scheduled_at makes them.
func (h *Handler) mountScheduled(r *gin.Engine) {
	g := r.Group("/api/v1/scheduled_statuses")
	g.GET("", h.user("read:statuses"), h.scheduledStatuses)
	g.GET("/:id", h.user("read:statuses"), h.scheduledStatus)
	g.PUT("/:id", h.user("write:statuses"), h.rescheduleStatus)
	g.DELETE("/:id", h.user("write:statuses"), deletedByID(h.svc.Scheduled().Cancel))
}

// ScheduledStatus is Mastodon's ScheduledStatus entity.
type ScheduledStatus struct {
	ID               string            `json:"id"`
	ScheduledAt      string            `json:"scheduled_at"`
	Params           ScheduledParams   `json:"params"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
}

// ScheduledParams are the post's parameters as Mastodon lists them.
type ScheduledParams struct {
	Text          string   `json:"text"`
	Poll          any      `json:"poll"`
	MediaIDs      []string `json:"media_ids"`
	Sensitive     bool     `json:"sensitive"`
	SpoilerText   *string  `json:"spoiler_text"`
	Visibility    string   `json:"visibility"`
	InReplyToID   *string  `json:"in_reply_to_id"`
	Language      *string  `json:"language"`
	ApplicationID *string  `json:"application_id"`
	ScheduledAt   *string  `json:"scheduled_at"`
	Idempotency   *string  `json:"idempotency"`
	WithRateLimit bool     `json:"with_rate_limit"`
}

func renderScheduled(p *scheduled.Post) ScheduledStatus {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	out := ScheduledStatus{
		ID: idString(p.ID), ScheduledAt: timestamp(p.ScheduledAt), MediaAttachments: []MediaAttachment{},
		Params: ScheduledParams{Text: p.Params.Text, Sensitive: p.Params.Sensitive, SpoilerText: opt(p.Params.SpoilerText),
			Visibility: string(p.Params.Visibility), Language: opt(p.Params.Language), MediaIDs: []string{}},
	}
	if p.Params.InReplyToID != nil {
		out.Params.InReplyToID = opt(idString(*p.Params.InReplyToID))
	}
	for _, id := range p.Params.MediaIDs {
		out.Params.MediaIDs = append(out.Params.MediaIDs, idString(id))
	}
	for i := range p.Media {
		out.MediaAttachments = append(out.MediaAttachments, renderMedia(&p.Media[i]))
	}
	return out
}

// parseScheduledAt reads an ISO 8601 time as Mastodon's clients send it.
func parseScheduledAt(c *gin.Context, s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	unprocessable(c, "scheduled_at is not an ISO 8601 time")
	return time.Time{}, false
}

// scheduleStatus answers POST /api/v1/statuses with scheduled_at.
func (h *Handler) scheduleStatus(c *gin.Context, acct *models.Account, at string, in social.CreateStatusInput) {
	when, ok := parseScheduledAt(c, at)
	if !ok {
		return
	}
	p, err := h.svc.Scheduled().Schedule(c.Request.Context(), acct, when, scheduled.Params{
		Text: in.Text, SpoilerText: in.SpoilerText, Sensitive: in.Sensitive, Visibility: in.Visibility,
		Language: in.Language, InReplyToID: in.InReplyToID, MediaIDs: in.MediaIDs,
	})
	writeScheduled(c, p, err)
}

func writeScheduled(c *gin.Context, p *scheduled.Post, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderScheduled(p))
}

func (h *Handler) scheduledStatuses(c *gin.Context) {
	posts, err := h.svc.Scheduled().List(c.Request.Context(), currentAccount(c), pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	writePage(c, h, posts, func(p **scheduled.Post) int64 { return (*p).ID },
		func(p **scheduled.Post) (ScheduledStatus, error) { return renderScheduled(*p), nil })
}

func (h *Handler) scheduledStatus(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	p, err := h.svc.Scheduled().Get(c.Request.Context(), currentAccount(c), id)
	writeScheduled(c, p, err)
}

func (h *Handler) rescheduleStatus(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	in, err := readParams(c)
	if err != nil {
		writeParamsError(c, err)
		return
	}
	when, ok := parseScheduledAt(c, in.str("scheduled_at"))
	if !ok {
		return
	}
	p, err := h.svc.Scheduled().Reschedule(c.Request.Context(), currentAccount(c), id, when)
	writeScheduled(c, p, err)
}
