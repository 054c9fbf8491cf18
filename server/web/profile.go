package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Profile renders the HTML profile of the :username route parameter; the
// ActivityPub handler calls it for browsers on actor URLs.
func (h *Handler) Profile(c *gin.Context) {
	h.forBrowser(c, h.renderProfile)
}

// account finds the account of a handle. A signed-in user may open a remote
// handle not yet known here: it is looked up over WebFinger.
func (h *Handler) account(c *gin.Context, handle string) (*models.Account, error) {
	ctx := c.Request.Context()
	acct, err := h.svc.Accounts().LookupAccount(ctx, handle)
	if err == nil || !strings.Contains(handle, "@") || viewer(c) == nil {
		return acct, err
	}
	found, serr := h.svc.Social().SearchAccounts(ctx, viewer(c), handle, 1, true)
	if serr != nil || len(found) == 0 || !h.handleMatches(found[0], handle) {
		return nil, err
	}
	return found[0], nil
}

type profilePage struct {
	page
	Account      accountItem
	Header       string
	Note         template.HTML // stored sanitised
	Fields       []fieldItem
	Stats        core.AccountStats // posts, followers, following
	Relationship *social.Relationship
	Self         bool
	Statuses     []statusItem
	Pager        pager
	Remote       string // the account's page on its own server
	// CanPay offers the pay button: the viewer is signed in, this instance
	// takes payments and the account can receive them.
	CanPay bool
	// SupportURL is the creator's tiers page, when they have tiers here.
	SupportURL string
}

func (h *Handler) renderProfile(c *gin.Context, handle string) {
	ctx, me := c.Request.Context(), viewer(c)
	acct, err := h.account(c, handle)
	if err != nil {
		h.renderError(c, err)
		return
	}
	pp := pageParams(c)
	if pp.MaxID == 0 && pp.MinID == 0 && pp.SinceID == 0 {
		// First view of a remote profile: its recent posts from the outbox.
		if _, err := h.svc.Backfill().RecentPosts(ctx, acct); err != nil {
			h.renderError(c, err)
			return
		}
	}
	list, err := h.svc.Social().AccountStatuses(ctx, me, acct, pp)
	if err != nil {
		h.renderError(c, err)
		return
	}
	items, err := h.statusItems(ctx, me, list)
	if err != nil {
		h.renderError(c, err)
		return
	}
	stats, err := h.svc.Core().AccountStats(ctx, []*models.Account{acct})
	if err != nil {
		h.renderError(c, err)
		return
	}
	emojis, err := h.svc.Core().AccountEmojis(ctx, []*models.Account{acct})
	if err != nil {
		h.renderError(c, err)
		return
	}
	ai := h.accountItem(acct)
	ai.NameHTML = h.nameHTML(ai.Name, emojis[acct.ID])
	_, header := h.svc.RemoteMedia().AccountImages(acct)
	p := h.basePage(c, ai.Name+" (@"+ai.Handle+")")
	p.Alternate = acct.URI
	pg := profilePage{page: p, Account: ai, Header: header, Note: emojify(acct.Note, emojis[acct.ID], h.svc.RemoteMedia().EmojiURL), Fields: fieldItems(acct),
		Stats: stats[acct.ID], Self: me != nil && me.ID == acct.ID, Statuses: items, Pager: pagerFor(ai.Path, ids(list), pp)}
	if pg.Header == "" {
		pg.Header = "/static/header.png"
	}
	if !acct.IsLocal() {
		pg.Remote = acct.URL
	}
	if me != nil && !pg.Self {
		rel, err := h.svc.Social().Relationship(ctx, me, acct)
		if err != nil {
			h.renderError(c, err)
			return
		}
		pg.Relationship = &rel
		if h.svc.Payments().PaymentsEnabled() {
			pg.CanPay, _ = h.svc.Payments().CanReceivePayments(ctx, acct)
		}
		if acct.IsLocal() && h.svc.Supporters().Enabled() {
			if tiers, err := h.svc.Supporters().Tiers(ctx, acct); err == nil && len(tiers) > 0 {
				pg.SupportURL = "/supporters/of/" + acct.Username
			}
		}
	}
	if pg.Self {
		pg.Nav = "profile"
	}
	h.render(c, http.StatusOK, "profile.html", pg)
}

// accountAction answers the follow, unfollow, block and unblock buttons.
func (h *Handler) accountAction(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	target, err := h.svc.Accounts().AccountForViewer(ctx, me, id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	notice := "done"
	switch c.Param("action") {
	case "follow":
		_, err = h.svc.Social().Follow(ctx, me, target)
		notice = "following"
		if target.Locked {
			notice = "requested"
		}
	case "unfollow":
		err = h.svc.Social().Unfollow(ctx, me, target)
	case "block":
		_, err = h.svc.Social().Block(ctx, me, target)
	case "unblock":
		err = h.svc.Social().Unblock(ctx, me, target)
	default:
		err = core.ErrNotFound
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	redirectBack(c, h.accountItem(target).Path, notice)
}

// followRequests lists the follows waiting for the viewer's approval.
func (h *Handler) followRequests(c *gin.Context) {
	rels, err := h.svc.Social().FollowRequests(c.Request.Context(), viewer(c))
	if err != nil {
		h.renderError(c, err)
		return
	}
	accounts := make([]accountItem, len(rels))
	for i, r := range rels {
		accounts[i] = h.accountItem(r.Account)
	}
	p := h.navPage(c, "Follow requests", "requests")
	h.render(c, http.StatusOK, "follow_requests.html", struct {
		page
		Accounts []accountItem
	}{p, accounts})
}

func (h *Handler) answerFollowRequest(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	switch c.Param("decision") {
	case "authorize":
		_, err = h.svc.Social().AcceptFollowRequest(ctx, me, id)
	case "reject":
		err = h.svc.Social().RejectFollowRequest(ctx, me, id)
	default:
		err = core.ErrNotFound
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	redirectBack(c, "/follow_requests", "done")
}
