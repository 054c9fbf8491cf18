// Package messaging holds direct conversations and the chats built on them:
// a direct status is filed in the chat of its context with its members,
// listed, read and hidden there; a stranger's message waits in Requests.
package messaging

import (
	"context"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Social is what messaging needs of the social area, which itself depends
// on messaging (it files direct statuses here): the root wires it.
type Social interface {
	// PostDirect posts a direct status of author, as CreateStatus does.
	PostDirect(ctx context.Context, author *models.Account, in DirectPost) (*models.Status, error)
	// Block blocks target for acct.
	Block(ctx context.Context, acct, target *models.Account) (*models.Block, error)
}

// DirectPost is a chat message as the social area posts it.
type DirectPost struct {
	Text        string
	MediaIDs    []int64
	InReplyToID *int64
	// ContextURI is the chat's thread; empty starts a new one.
	ContextURI string
	// To are the accounts addressed besides those the text names (silent
	// mentions, so Mastodon shows them in its conversation).
	To []*models.Account
	// Event marks a notice (ChatEventAdded, ...); "" for a message.
	Event string
}

// Chat events a notice message carries (plaza:chatEvent, docs/CHATS.md).
const (
	ChatEventAdded   = "added"
	ChatEventLeft    = "left"
	ChatEventRenamed = "renamed"
)

var knownEvents = map[string]bool{"": true, ChatEventAdded: true, ChatEventLeft: true, ChatEventRenamed: true}

// ChatMeta is what a direct status says of its chat besides its text.
type ChatMeta struct {
	Name  *string // a received Note's chat name; nil for none
	Event string  // a ChatEvent; "" for an ordinary message
}

// Service is the messaging area of the business layer.
type Service struct {
	core   *core.Base
	store  *store.Store
	social func() Social
}

// New builds the messaging area on the shared core; social returns the
// social area once it is built.
func New(c *core.Base, social func() Social) *Service {
	return &Service{core: c, store: c.Store(), social: social}
}
