package mastoapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/relations"
)

// mountRelations adds the user's own domain blocks, notes on accounts,
// endorsements, removing followers, familiar followers, the profile
// directory, dismissed suggestions, removing the avatar or header, and the
// instance's activity, longer texts and languages.
func (h *Handler) mountRelations(r *gin.Engine) {
	v1 := r.Group("/api/v1")
	v1.GET("/domain_blocks", h.user("read:blocks"), h.domainBlocks)
	v1.POST("/domain_blocks", h.user("write:blocks"), h.domainBlockAction(h.svc.Relations().BlockDomain))
	v1.DELETE("/domain_blocks", h.user("write:blocks"), h.domainBlockAction(h.svc.Relations().UnblockDomain))

	v1.GET("/accounts/familiar_followers", h.user("read:follows"), h.familiarFollowers)
	v1.POST("/accounts/:id/note", h.user("write:accounts"), h.accountAction(h.accountNote))
	v1.POST("/accounts/:id/pin", h.user("write:accounts"), h.accountAction(h.endorse))
	v1.POST("/accounts/:id/unpin", h.user("write:accounts"), h.accountAction(h.unendorse))
	v1.POST("/accounts/:id/remove_from_followers", h.user("write:follows"), h.accountAction(h.removeFromFollowers))
	v1.GET("/accounts/:id/endorsements", h.optional("read:accounts"), h.accountEndorsements)
	v1.GET("/endorsements", h.user("read:accounts"), h.ownEndorsements)
	v1.DELETE("/suggestions/:id", h.user("read"), h.dismissSuggestion)
	v1.GET("/directory", h.optional("read:accounts"), h.directory)

	v1.DELETE("/profile/avatar", h.user("write:accounts"), h.deleteProfileImage(true))
	v1.DELETE("/profile/header", h.user("write:accounts"), h.deleteProfileImage(false))

	v1.GET("/instance/activity", h.instanceActivity)
	v1.GET("/instance/extended_description", h.instanceText(relations.TextExtendedDescription))
	v1.GET("/instance/privacy_policy", h.instanceText(relations.TextPrivacyPolicy))
	v1.GET("/instance/terms_of_service", h.instanceText(relations.TextTermsOfService))
	v1.GET("/instance/languages", instanceLanguages)
}

// domainBlocks is GET /api/v1/domain_blocks: the domains, as strings,
// newest block first, with Link headers.
func (h *Handler) domainBlocks(c *gin.Context) {
	list, err := h.svc.Relations().BlockedDomains(c.Request.Context(), currentAccount(c), pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]string, len(list))
	ids := make([]int64, len(list))
	for i, b := range list {
		out[i], ids[i] = b.Domain, b.ID
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

// domainBlockAction blocks or unblocks the domain parameter; Mastodon
// answers an empty object.
func (h *Handler) domainBlockAction(act func(ctx context.Context, acct *models.Account, domain string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		domain, _ := accountsParam(c, "domain")
		if err := act(c.Request.Context(), currentAccount(c), domain); err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{})
	}
}

func (h *Handler) accountNote(c *gin.Context, me, target *models.Account) error {
	comment, _ := accountsParam(c, "comment")
	return h.svc.Relations().SetNote(c.Request.Context(), me, target, comment)
}

func (h *Handler) endorse(c *gin.Context, me, target *models.Account) error {
	return h.svc.Relations().Endorse(c.Request.Context(), me, target)
}

func (h *Handler) unendorse(c *gin.Context, me, target *models.Account) error {
	return h.svc.Relations().Unendorse(c.Request.Context(), me, target)
}

func (h *Handler) removeFromFollowers(c *gin.Context, me, target *models.Account) error {
	return h.svc.Relations().RemoveFromFollowers(c.Request.Context(), me, target)
}

// FamiliarFollowers is Mastodon's FamiliarFollowers entity.
type FamiliarFollowers struct {
	ID       string    `json:"id"`
	Accounts []Account `json:"accounts"`
}

// familiarFollowers is GET /api/v1/accounts/familiar_followers?id[]=…
func (h *Handler) familiarFollowers(c *gin.Context) {
	var ids []int64
	for _, s := range append(c.QueryArray("id[]"), c.QueryArray("id")...) {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	ctx := c.Request.Context()
	list, err := h.svc.Relations().FamiliarFollowers(ctx, currentAccount(c), ids)
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]FamiliarFollowers, len(list))
	for i, f := range list {
		accts, err := h.renderAccounts(ctx, f.Accounts)
		if err != nil {
			writeError(c, err)
			return
		}
		out[i] = FamiliarFollowers{ID: idString(f.ID), Accounts: accts}
	}
	c.JSON(http.StatusOK, out)
}

// accountEndorsements is GET /api/v1/accounts/:id/endorsements.
func (h *Handler) accountEndorsements(c *gin.Context) {
	owner, ok := h.targetAccount(c)
	if !ok {
		return
	}
	list, err := h.svc.Relations().Endorsements(c.Request.Context(), currentAccount(c), owner, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeAccountEntries(c, list)
}

// ownEndorsements is GET /api/v1/endorsements.
func (h *Handler) ownEndorsements(c *gin.Context) {
	me := currentAccount(c)
	list, err := h.svc.Relations().Endorsements(c.Request.Context(), me, me, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeAccountEntries(c, list)
}

// dismissSuggestion is DELETE /api/v1/suggestions/:account_id.
func (h *Handler) dismissSuggestion(c *gin.Context) {
	target, ok := h.targetAccount(c)
	if !ok {
		return
	}
	if err := h.svc.Relations().DismissSuggestion(c.Request.Context(), currentAccount(c), target); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}

// directory is GET /api/v1/directory.
func (h *Handler) directory(c *gin.Context) {
	list, err := h.svc.Relations().Directory(c.Request.Context(), relations.DirectoryQuery{
		Local: accountsTruthy(c.Query("local")), Order: c.Query("order"),
		Offset: queryInt(c, "offset"), Limit: queryInt(c, "limit"),
	})
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeAccountList(c, list)
}

// deleteProfileImage is DELETE /api/v1/profile/avatar or header: the
// default image again, the actor's Update sent to followers' servers.
func (h *Handler) deleteProfileImage(avatar bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		none := ""
		in := accounts.ProfileInput{HeaderURL: &none}
		if avatar {
			in = accounts.ProfileInput{AvatarURL: &none}
		}
		h.saveProfile(c, currentAccount(c), in, accounts.PreferencesInput{})
	}
}

// InstanceActivityWeek is one week of GET /api/v1/instance/activity,
// numbers as strings as Mastodon's.
type InstanceActivityWeek struct {
	Week          string `json:"week"`
	Statuses      string `json:"statuses"`
	Logins        string `json:"logins"`
	Registrations string `json:"registrations"`
}

func (h *Handler) instanceActivity(c *gin.Context) {
	weeks, err := h.svc.Relations().Activity(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]InstanceActivityWeek, len(weeks))
	for i, w := range weeks {
		out[i] = InstanceActivityWeek{
			Week: strconv.FormatInt(w.Start.Unix(), 10), Statuses: strconv.FormatInt(w.Statuses, 10),
			Logins: strconv.FormatInt(w.Logins, 10), Registrations: strconv.FormatInt(w.Registrations, 10),
		}
	}
	c.JSON(http.StatusOK, out)
}

// instanceText answers the extended description and privacy policy as
// Mastodon's ExtendedDescription and PrivacyPolicy ({updated_at, content})
// and the terms of service as its TermsOfService; 404 when there is none.
func (h *Handler) instanceText(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, err := h.svc.Relations().InstanceText(c.Request.Context(), kind)
		if err != nil {
			writeError(c, err)
			return
		}
		if kind == relations.TextTermsOfService {
			c.JSON(http.StatusOK, gin.H{"effective_date": t.UpdatedAt.UTC().Format("2006-01-02"), "effective": true, "content": t.Content, "succeeded_by": nil})
			return
		}
		c.JSON(http.StatusOK, gin.H{"updated_at": timestamp(t.UpdatedAt), "content": t.Content})
	}
}

// instanceLanguages is GET /api/v1/instance/languages: {code, name} of
// each ISO 639-1 language.
func instanceLanguages(c *gin.Context) {
	list := relations.Languages()
	out := make([]gin.H, len(list))
	for i, l := range list {
		out[i] = gin.H{"code": l.Code, "name": l.Name}
	}
	c.JSON(http.StatusOK, out)
}
