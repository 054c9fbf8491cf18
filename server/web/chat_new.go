package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// newChatForm is the "New chat" form: its members are chosen explicitly,
// so a message always has recipients (a handle in the text is not one).
type newChatForm struct {
	Members, Name, Text string
	// MembersError and Error are shown beside the members field and above
	// the form.
	MembersError, Error string
	MaxChars            int
}

// maxChatMembers bounds a chat started from the form.
const maxChatMembers = 20

// newChat shows the form; ?to=handle fills in the members (the profile's
// Message button).
func (h *Handler) newChat(c *gin.Context) {
	f := newChatForm{Members: strings.TrimSpace(c.Query("to")), MaxChars: social.MaxStatusChars}
	h.renderNewChat(c, http.StatusOK, f)
}

func (h *Handler) renderNewChat(c *gin.Context, status int, f newChatForm) {
	p := h.navPage(c, "New chat", "chats")
	h.render(c, status, "chat_new.html", struct {
		page
		Form newChatForm
	}{p, f})
}

// startChatForm starts a chat with the members named and a first message,
// then shows it. Each handle must name an account (remote ones are looked
// up on their server); the form comes back with the field's error if not.
func (h *Handler) startChatForm(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	f := newChatForm{Members: c.PostForm("members"), Name: strings.TrimSpace(c.PostForm("name")), Text: c.PostForm("status"), MaxChars: social.MaxStatusChars}
	members, err := h.chatMembers(ctx, me, f.Members)
	if err != nil {
		f.MembersError = userMessage(err)
		h.renderNewChat(c, http.StatusUnprocessableEntity, f)
		return
	}
	if strings.TrimSpace(f.Text) == "" {
		f.Error = "Write a first message."
		h.renderNewChat(c, http.StatusUnprocessableEntity, f)
		return
	}
	id, err := h.startChat(ctx, me, members, f.Name, strings.TrimSpace(f.Text))
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			f.Error = msg
			h.renderNewChat(c, status, f)
		})
		return
	}
	c.Redirect(http.StatusSeeOther, chatPath(id))
}

// chatMembers resolves the handles of a members field (separated by
// spaces, commas or new lines; "@" optional): each must be an account
// other than me, and there must be at least one.
func (h *Handler) chatMembers(ctx context.Context, me *models.Account, field string) ([]*models.Account, error) {
	handles := strings.FieldsFunc(field, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	if len(handles) == 0 {
		return nil, fmt.Errorf("%w: choose at least one person to write to", core.ErrValidation)
	}
	if len(handles) > maxChatMembers {
		return nil, fmt.Errorf("%w: a chat can start with at most %d people", core.ErrValidation, maxChatMembers)
	}
	seen := map[int64]bool{}
	var out []*models.Account
	for _, hd := range handles {
		user, host := core.SplitHandle(hd)
		if user == "" {
			return nil, fmt.Errorf("%w: %q is not a handle like @name or @name@example.org", core.ErrValidation, hd)
		}
		a, err := h.svc.Core().ResolveHandle(ctx, user, host)
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			return nil, err
		}
		if a == nil || a.SuspendedAt != nil || a.ActorType == models.ActorApplication {
			return nil, fmt.Errorf("%w: no account @%s was found; check the spelling and the server", core.ErrValidation, strings.TrimPrefix(hd, "@"))
		}
		if a.ID == me.ID {
			continue
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: choose at least one person other than yourself", core.ErrValidation)
	}
	return out, nil
}

var errOneMember = fmt.Errorf("%w: add one person at a time", core.ErrValidation)
