package messaging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Chat limits.
const (
	MaxChatMembers   = 50 // members besides the one who starts the chat
	MaxChatNameChars = 100
)

// StartChatInput is a new chat: its other members (by account id or
// handle), an optional name and the first message.
type StartChatInput struct {
	MemberIDs []int64
	Handles   []string // "user@host" or "user" (local)
	Name      string
	Text      string
	MediaIDs  []int64
}

// MessageInput is a message posted in a chat.
type MessageInput struct {
	Text        string
	MediaIDs    []int64
	InReplyToID *int64 // a message of the same chat
}

// StartChat starts a chat of me with the given members by posting its
// first message: a direct status addressed to all of them in a new thread.
func (s *Service) StartChat(ctx context.Context, me *models.Account, in StartChatInput) (ConversationView, error) {
	name, err := chatName(in.Name)
	if err != nil {
		return ConversationView{}, err
	}
	members, err := s.resolveMembers(ctx, me, in.MemberIDs, in.Handles)
	if err != nil {
		return ConversationView{}, err
	}
	if len(members) == 0 {
		return ConversationView{}, fmt.Errorf("%w: a chat needs at least one other member", core.ErrValidation)
	}
	// The chat is made (named) before its first message, so that message
	// carries the name; it has members once the message is filed.
	conv, err := s.store.ConversationByContext(ctx, s.core.URLs().Context(s.store.NewID()))
	if err != nil {
		return ConversationView{}, fmt.Errorf("start chat: %w", err)
	}
	if name != "" {
		if err := s.store.RenameConversation(ctx, conv.ID, name); err != nil {
			return ConversationView{}, fmt.Errorf("start chat: %w", err)
		}
	}
	if _, err := s.social().PostDirect(ctx, me, DirectPost{Text: in.Text, MediaIDs: in.MediaIDs, ContextURI: conv.ContextURI, To: members}); err != nil {
		return ConversationView{}, err
	}
	return s.ConversationByID(ctx, me, conv.ID)
}

// SendMessage posts a message in a chat me is a current member of: a
// direct status with the chat's context addressed to every current member.
func (s *Service) SendMessage(ctx context.Context, me *models.Account, conversationID int64, in MessageInput) (*models.Status, error) {
	conv, members, err := s.membership(ctx, me, conversationID)
	if err != nil {
		return nil, err
	}
	if in.InReplyToID != nil {
		if ok, err := s.store.IsChatMessage(ctx, conv.ID, *in.InReplyToID); err != nil {
			return nil, fmt.Errorf("send message: %w", err)
		} else if !ok {
			return nil, fmt.Errorf("%w: the message replied to is not in this chat", core.ErrValidation)
		}
	}
	// Answering a request accepts it.
	if ac, err := s.store.AccountConversation(ctx, me.ID, conv.ID); err == nil && ac.RequestFromID != 0 {
		if r, err := s.store.MessageRequestBetween(ctx, me.ID, ac.RequestFromID); err == nil {
			if err := s.AcceptRequest(ctx, me, r.ID); err != nil && !errors.Is(err, core.ErrNotFound) {
				return nil, err
			}
		}
	}
	return s.social().PostDirect(ctx, me, DirectPost{Text: in.Text, MediaIDs: in.MediaIDs, InReplyToID: in.InReplyToID,
		ContextURI: conv.ContextURI, To: otherMembers(members, me.ID)})
}

// AddMember adds an account to a chat me is in; it is told by a message
// from me addressed to everyone, the new member included, so its instance
// (and the other members') learn of it. Adding a current member is a no-op.
func (s *Service) AddMember(ctx context.Context, me *models.Account, conversationID int64, memberID int64, handle string) (ConversationView, error) {
	conv, members, err := s.membership(ctx, me, conversationID)
	if err != nil {
		return ConversationView{}, err
	}
	var ids []int64
	var handles []string
	if handle != "" {
		handles = []string{handle}
	} else {
		ids = []int64{memberID}
	}
	added, err := s.resolveMembers(ctx, me, ids, handles)
	if err != nil {
		return ConversationView{}, err
	}
	if len(added) != 1 {
		return ConversationView{}, fmt.Errorf("%w: name one account to add", core.ErrValidation)
	}
	a := added[0]
	others := otherMembers(members, me.ID)
	if core.ContainsAccount(others, a.ID) {
		return s.ConversationByID(ctx, me, conv.ID)
	}
	if len(others)+1 > MaxChatMembers {
		return ConversationView{}, fmt.Errorf("%w: a chat has at most %d members", core.ErrValidation, MaxChatMembers+1)
	}
	if err := s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.JoinChat(ctx, conv.ID, a.ID, s.core.Clock().Now())
	}); err != nil {
		return ConversationView{}, fmt.Errorf("add member: %w", err)
	}
	text := "added @" + a.Username
	if !a.IsLocal() {
		text += "@" + a.Domain
	}
	if _, err := s.social().PostDirect(ctx, me, DirectPost{Text: text, ContextURI: conv.ContextURI, To: append(others, a), Event: ChatEventAdded}); err != nil {
		return ConversationView{}, err
	}
	return s.ConversationByID(ctx, me, conv.ID)
}

// Leave takes me out of a chat: a last message tells the others (and
// their instances, by its plaza:chatEvent), then nothing reaches me from
// it and it leaves my list.
func (s *Service) Leave(ctx context.Context, me *models.Account, conversationID int64) error {
	conv, members, err := s.membership(ctx, me, conversationID)
	if err != nil {
		return err
	}
	if others := otherMembers(members, me.ID); len(others) > 0 {
		_, err := s.social().PostDirect(ctx, me, DirectPost{Text: "left the chat", ContextURI: conv.ContextURI, To: others, Event: ChatEventLeft})
		return err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error { return s.leave(ctx, tx, conv.ID, me) })
	if err != nil {
		return core.NotFound(err, "chat")
	}
	return nil
}

// Rename names a chat me is in ("" removes the name). The name is this
// instance's; a message tells the members.
func (s *Service) Rename(ctx context.Context, me *models.Account, conversationID int64, name string) (ConversationView, error) {
	name, err := chatName(name)
	if err != nil {
		return ConversationView{}, err
	}
	conv, members, err := s.membership(ctx, me, conversationID)
	if err != nil {
		return ConversationView{}, err
	}
	if name == conv.Name {
		return s.ConversationByID(ctx, me, conv.ID)
	}
	if err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.RenameConversation(ctx, conv.ID, name); err != nil {
			return err
		}
		return s.emitMembers(ctx, tx, conv.ID, members)
	}); err != nil {
		return ConversationView{}, fmt.Errorf("rename chat: %w", err)
	}
	text := "renamed the chat to “" + name + "”"
	if name == "" {
		text = "removed the chat's name"
	}
	if _, err := s.social().PostDirect(ctx, me, DirectPost{Text: text, ContextURI: conv.ContextURI, To: otherMembers(members, me.ID), Event: ChatEventRenamed}); err != nil {
		return ConversationView{}, err
	}
	return s.ConversationByID(ctx, me, conv.ID)
}

// MessagesAfter returns up to limit messages of a chat after afterID,
// oldest first: a live view catching up on what it missed.
func (s *Service) MessagesAfter(ctx context.Context, me *models.Account, conversationID, afterID int64, limit int) ([]*core.StatusView, error) {
	list, err := s.Messages(ctx, me, conversationID, core.Page{MinID: afterID, Limit: limit})
	slices.Reverse(list)
	return list, err
}

// Messages pages the messages of a chat me is a current member of, newest
// first, as Mastodon pages (max_id, since_id, or min_id for the page just
// after an id), as me sees them: attachments, mentions and reply ids filled.
func (s *Service) Messages(ctx context.Context, me *models.Account, conversationID int64, p core.Page) ([]*core.StatusView, error) {
	conv, _, err := s.membership(ctx, me, conversationID)
	if err != nil {
		return nil, err
	}
	ids, err := s.store.ChatMessageIDs(ctx, conv.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	byID, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	list := core.InOrder(ids, byID)
	// A member sees what was addressed to them (a Mastodon reply may
	// leave some members out).
	if list, err = s.core.VisibleOnly(ctx, me, list); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return s.core.StatusViews(ctx, me, list)
}

// ConversationOfStatus returns the chat a message is in, when me is a
// current member of it (a live view scoping an edit or delete event).
func (s *Service) ConversationOfStatus(ctx context.Context, me *models.Account, statusID int64) (int64, error) {
	id, err := s.store.ChatOfStatus(ctx, statusID)
	if err != nil {
		return 0, core.NotFound(err, "chat")
	}
	if _, _, err := s.membership(ctx, me, id); err != nil {
		return 0, err
	}
	return id, nil
}

// Members returns the members of a chat me is in, former ones included.
func (s *Service) Members(ctx context.Context, me *models.Account, conversationID int64) ([]models.ChatMember, error) {
	_, members, err := s.membership(ctx, me, conversationID)
	return members, err
}

// membership returns a chat and its members when me is a current member;
// core.ErrNotFound otherwise (a chat's existence is not told to others).
func (s *Service) membership(ctx context.Context, me *models.Account, conversationID int64) (*models.Conversation, []models.ChatMember, error) {
	conv, err := s.store.ConversationByID(ctx, conversationID)
	if err != nil {
		return nil, nil, core.NotFound(err, "chat")
	}
	members, err := s.store.ChatMembers(ctx, conv.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("chat members: %w", err)
	}
	for _, m := range members {
		if m.AccountID == me.ID && m.Active() {
			return conv, members, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: chat not found", core.ErrNotFound)
}

// emitMembers wakes the live views of a chat's local current members.
func (s *Service) emitMembers(ctx context.Context, tx *store.Store, conversationID int64, members []models.ChatMember) error {
	for _, m := range members {
		if m.Active() && m.Account != nil && m.Account.IsLocal() {
			if err := tx.Emit(ctx, store.Event{Kind: store.EventConversation, ID: conversationID, AccountID: m.AccountID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolveMembers finds the accounts named by id or handle: distinct, not
// me, not blocked either way.
func (s *Service) resolveMembers(ctx context.Context, me *models.Account, ids []int64, handles []string) ([]*models.Account, error) {
	if len(ids)+len(handles) > MaxChatMembers {
		return nil, fmt.Errorf("%w: a chat has at most %d members", core.ErrValidation, MaxChatMembers+1)
	}
	byID, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("chat members: %w", err)
	}
	var out []*models.Account
	for _, id := range ids {
		a := byID[id]
		if a == nil {
			return nil, fmt.Errorf("%w: account %d not found", core.ErrValidation, id)
		}
		out = append(out, a)
	}
	for _, h := range handles {
		user, host := core.SplitHandle(strings.TrimPrefix(strings.TrimSpace(h), "@"))
		a, err := s.core.ResolveHandle(ctx, user, host)
		if err != nil {
			return nil, fmt.Errorf("%w: %s not found", core.ErrValidation, h)
		}
		out = append(out, a)
	}
	var members []*models.Account
	for _, a := range out {
		if a.ID == me.ID || core.ContainsAccount(members, a.ID) {
			continue
		}
		if blocked, err := s.store.BlockedEitherWay(ctx, me.ID, a.ID); err != nil {
			return nil, fmt.Errorf("chat members: %w", err)
		} else if blocked {
			return nil, fmt.Errorf("%w: %s cannot be messaged", core.ErrValidation, a.Username)
		}
		members = append(members, a)
	}
	return members, nil
}

// chatName trims and checks a chat name.
func chatName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n > MaxChatNameChars {
		return "", fmt.Errorf("%w: a chat name is at most %d characters, this one has %d", core.ErrValidation, MaxChatNameChars, n)
	}
	return name, nil
}

// ChatWith returns the newest chat of just me and other that me has
// accepted; core.ErrNotFound when there is none.
func (s *Service) ChatWith(ctx context.Context, me, other *models.Account) (int64, error) {
	id, err := s.store.TwoPersonChat(ctx, me.ID, other.ID)
	if err != nil {
		return 0, core.NotFound(err, "chat")
	}
	return id, nil
}
