package mastoapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/server/service/polls"
)

func (h *Handler) mountPolls(r *gin.Engine) {
	r.GET("/api/v1/polls/:id", h.optional("read:statuses"), h.poll)
	r.POST("/api/v1/polls/:id/votes", h.user("write:statuses"), h.vote)
}

// Poll is Mastodon's Poll entity.
type Poll struct {
	ID          string       `json:"id"`
	ExpiresAt   *string      `json:"expires_at"`
	Expired     bool         `json:"expired"`
	Multiple    bool         `json:"multiple"`
	VotesCount  int64        `json:"votes_count"`
	VotersCount *int64       `json:"voters_count"`
	Options     []PollOption `json:"options"`
	Emojis      []any        `json:"emojis"`
	// Voted and OwnVotes are left out for an anonymous reader.
	Voted    *bool `json:"voted,omitempty"`
	OwnVotes []int `json:"own_votes,omitempty"`
}

// PollOption is one choice; votes_count is null while totals are hidden.
type PollOption struct {
	Title      string `json:"title"`
	VotesCount *int64 `json:"votes_count"`
}

func renderPoll(v *polls.View) *Poll {
	p := v.Poll
	out := &Poll{ID: idString(p.ID), Expired: v.Expired, Multiple: p.Multiple, VotesCount: p.VotesCount,
		Options: make([]PollOption, 0, len(v.Options)), Emojis: []any{}}
	voters := p.VotersCount
	out.VotersCount = &voters
	if p.ExpiresAt != nil {
		e := timestamp(*p.ExpiresAt)
		out.ExpiresAt = &e
	}
	for _, o := range v.Options {
		opt := PollOption{Title: o.Title}
		if v.ShowTotals {
			n := o.VotesCount
			opt.VotesCount = &n
		}
		out.Options = append(out.Options, opt)
	}
	if v.Viewer {
		voted := v.Voted
		out.Voted, out.OwnVotes = &voted, v.OwnVotes
		if out.OwnVotes == nil {
			out.OwnVotes = []int{}
		}
	}
	return out
}

func (h *Handler) poll(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	v, err := h.svc.Polls().Get(c.Request.Context(), currentAccount(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderPoll(v))
}

func (h *Handler) vote(c *gin.Context) {
	id, p, ok := idAndParams(c)
	if !ok {
		return
	}
	var choices []int
	for _, s := range p.strs("choices") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			unprocessable(c, "choices must be option indexes")
			return
		}
		choices = append(choices, n)
	}
	v, err := h.svc.Polls().Vote(c.Request.Context(), currentAccount(c), id, choices)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderPoll(v))
}

// pollParams reads poll[options][], poll[expires_in], poll[multiple] and
// poll[hide_totals] from a form, or the "poll" object of a JSON body; ok
// is false when the request has no poll.
func pollParams(p *params) (in polls.Input, ok bool, msg string) {
	if p.json != nil {
		raw, has := p.json["poll"]
		if !has || string(raw) == "null" {
			return in, false, ""
		}
		var body map[string]json.RawMessage
		if json.Unmarshal(raw, &body) != nil {
			return in, true, "poll must be an object"
		}
		inner := &params{c: p.c, json: body}
		in.Options = inner.strs("options")
		secs, err := strconv.ParseFloat(inner.str("expires_in"), 64)
		if err != nil {
			return in, true, "poll[expires_in] must be a number of seconds"
		}
		in.ExpiresIn = time.Duration(secs * float64(time.Second))
		in.Multiple, in.HideTotals = inner.boolean("multiple"), inner.boolean("hide_totals")
		return in, true, ""
	}
	in.Options = p.strs("poll[options]")
	if len(in.Options) == 0 && !p.has("poll[expires_in]") {
		return in, false, ""
	}
	secs, err := strconv.ParseFloat(p.str("poll[expires_in]"), 64)
	if err != nil {
		return in, true, "poll[expires_in] must be a number of seconds"
	}
	in.ExpiresIn = time.Duration(secs * float64(time.Second))
	in.Multiple, in.HideTotals = p.boolean("poll[multiple]"), p.boolean("poll[hide_totals]")
	return in, true, ""
}
