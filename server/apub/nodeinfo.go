package apub

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/server/service/core"
	"plaza/server/service/moderation"
)

const nodeinfoSchema = "http://nodeinfo.diaspora.software/ns/schema/"

// nodeinfoIndex lists the NodeInfo documents (2.0 and 2.1).
func (h *Handler) nodeinfoIndex(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	base := h.svc.Core().URLs().Base()
	c.JSON(http.StatusOK, gin.H{"links": []gin.H{
		{"rel": nodeinfoSchema + "2.0", "href": base + "/nodeinfo/2.0"},
		{"rel": nodeinfoSchema + "2.1", "href": base + "/nodeinfo/2.1"},
	}})
}

// nodeinfo serves NodeInfo 2.0 or 2.1.
func (h *Handler) nodeinfo(c *gin.Context) {
	version := c.Param("version")
	if version != "2.0" && version != "2.1" {
		writeErrorStatus(c, http.StatusNotFound, "Unknown NodeInfo version")
		return
	}
	usage, err := h.svc.Moderation().Usage(c.Request.Context())
	if err != nil {
		h.writeError(c, err)
		return
	}
	set, err := h.svc.Moderation().InstanceSettings(c.Request.Context())
	if err != nil {
		h.writeError(c, err)
		return
	}
	software := gin.H{"name": "plaza", "version": h.cfg.Version}
	if version == "2.1" {
		software["homepage"] = h.svc.Core().URLs().Base() + "/"
	}
	doc := gin.H{
		"version":   version,
		"software":  software,
		"protocols": []string{"activitypub"},
		"services":  gin.H{"inbound": []string{}, "outbound": []string{}},
		// As Mastodon: true when sign-ups are taken, approved or not.
		"openRegistrations": set.RegistrationsMode != moderation.RegistrationsClosed,
		"usage": gin.H{
			"users":      gin.H{"total": usage.Users, "activeMonth": usage.Users, "activeHalfyear": usage.Users},
			"localPosts": usage.LocalPosts,
		},
		"metadata": gin.H{
			"nodeName":        set.Name,
			"nodeDescription": set.Description,
			// Client libraries that pick a backend from NodeInfo (megalodon,
			// behind Whalebird) know software names only, but accept a
			// server whose upstream is Mastodon. Plaza is not a fork: this
			// names the client API it implements, and software.name stays
			// "plaza" (docs/API.md, "NodeInfo").
			"upstream": gin.H{"name": "mastodon", "version": core.MastodonAPIVersion},
			// Other Plaza instances read this to decide whether payment
			// activities may be sent here (PAYMENTS.md, "Servers that
			// don't speak this").
			"plaza": gin.H{"payments": gin.H{
				"protocol":   "plaza-payments/1",
				"processors": []string{"stripe"},
				"enabled":    h.cfg.PaymentsEnabled,
			}},
		},
	}
	c.Header("Access-Control-Allow-Origin", "*")
	c.Render(http.StatusOK, jsonDoc{doc, `application/json; profile="` + nodeinfoSchema + version + `#"`})
}

func writeErrorStatus(c *gin.Context, status int, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}
