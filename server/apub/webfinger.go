package apub

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

type jrdLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []jrdLink `json:"links"`
}

// webfinger answers acct: and actor-URL resources (RFC 7033).
func (h *Handler) webfinger(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	c.Header("Vary", "Accept")
	resource := c.Query("resource")
	if resource == "" {
		writeErrorStatus(c, http.StatusBadRequest, "The resource parameter is required")
		return
	}
	acct, err := h.lookupResource(c, resource)
	if errors.Is(err, core.ErrValidation) {
		writeErrorStatus(c, http.StatusBadRequest, "The resource must be acct:user@"+h.svc.Config().Host+" or an actor URL")
		return
	}
	if err != nil {
		h.writeError(c, err)
		return
	}
	cfg := h.svc.Config()
	doc := jrd{
		Subject: "acct:" + acct.Username + "@" + cfg.Host,
		Aliases: []string{acct.URI},
		Links: []jrdLink{
			{Rel: "self", Type: "application/activity+json", Href: acct.URI},
		},
	}
	if acct.ActorType == models.ActorPerson {
		doc.Aliases = append(doc.Aliases, acct.URL)
		doc.Links = append(doc.Links,
			jrdLink{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: acct.URL},
			jrdLink{Rel: "http://ostatus.org/schema/1.0/subscribe", Template: h.svc.Core().URLs().Base() + "/authorize_interaction?uri={uri}"},
		)
	}
	c.Render(http.StatusOK, jsonDoc{doc, "application/jrd+json; charset=utf-8"})
}

// lookupResource finds the local account a WebFinger resource names.
func (h *Handler) lookupResource(c *gin.Context, resource string) (*models.Account, error) {
	ctx := c.Request.Context()
	cfg := h.svc.Config()
	switch {
	case strings.HasPrefix(resource, "acct:"):
		user, host, ok := strings.Cut(strings.TrimPrefix(resource, "acct:"), "@")
		user = strings.TrimPrefix(user, "@")
		if !ok || user == "" || host == "" {
			return nil, fmt.Errorf("%w: resource must look like acct:user@%s", core.ErrValidation, cfg.Host)
		}
		if !strings.EqualFold(host, cfg.Host) {
			return nil, fmt.Errorf("%w: %s is not on this instance", core.ErrNotFound, resource)
		}
		if strings.EqualFold(user, accounts.InstanceActorUsername) {
			return h.svc.Accounts().EnsureInstanceActor(ctx)
		}
		return h.svc.Accounts().LocalUser(ctx, user)
	case strings.HasPrefix(resource, "https://"), strings.HasPrefix(resource, "http://"):
		if resource == h.svc.Core().URLs().InstanceActor() {
			return h.svc.Accounts().EnsureInstanceActor(ctx)
		}
		acct, err := h.svc.Accounts().LocalUserByActorURI(ctx, resource)
		if errors.Is(err, core.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s", core.ErrNotFound, resource)
		}
		return acct, err
	default:
		return nil, fmt.Errorf("%w: resource must be an acct: URI or an actor URL", core.ErrValidation)
	}
}

// hostMeta points XRD clients at WebFinger.
func (h *Handler) hostMeta(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	tmpl := h.svc.Core().URLs().Base() + "/.well-known/webfinger?resource={uri}"
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">` + "\n" +
		`  <Link rel="lrdd" template="` + xmlEscape(tmpl) + `"/>` + "\n" +
		`</XRD>` + "\n"
	c.Data(http.StatusOK, "application/xrd+xml; charset=utf-8", []byte(body))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
