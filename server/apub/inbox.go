package apub

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// userInboxPost receives an activity addressed to one local user.
func (h *Handler) userInboxPost(c *gin.Context) {
	acct, err := h.svc.Accounts().LocalUser(c.Request.Context(), c.Param("username"))
	if err != nil {
		h.writeError(c, err)
		return
	}
	h.receive(c, &acct.ID)
}

// sharedInboxPost receives an activity for any number of local users.
func (h *Handler) sharedInboxPost(c *gin.Context) {
	h.receive(c, nil)
}

// receive reads the body under the size limit, then hands it to the
// federation inbox, which verifies the signature before anything is stored.
func (h *Handler) receive(c *gin.Context, recipientID *int64) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, h.cfg.InboxMaxBodyBytes))
	if err != nil {
		h.writeError(c, err)
		return
	}
	if err := h.inbox.Receive(c.Request.Context(), c.Request, body, recipientID); err != nil {
		h.writeError(c, err)
		return
	}
	c.Status(http.StatusAccepted)
}
