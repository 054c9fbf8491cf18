package service

import "plaza/server/service/core"

// Names that moved to core, kept until every caller names core.
type (
	Config       = core.Config
	Clock        = core.Clock
	SystemClock  = core.SystemClock
	Publisher    = core.Publisher
	Fetcher      = core.Fetcher
	URLs         = core.URLs
	Page         = core.Page
	Event        = core.Event
	StatusView   = core.StatusView
	AccountStats = core.AccountStats
	StatusEntry  = core.StatusEntry
	AccountEntry = core.AccountEntry
)

var (
	ErrNotFound     = core.ErrNotFound
	ErrValidation   = core.ErrValidation
	ErrConflict     = core.ErrConflict
	ErrForbidden    = core.ErrForbidden
	ErrUnauthorized = core.ErrUnauthorized
)

const (
	DefaultPageLimit  = core.DefaultPageLimit
	MaxPageLimit      = core.MaxPageLimit
	EventStatus       = core.EventStatus
	EventStatusUpdate = core.EventStatusUpdate
	EventDelete       = core.EventDelete
	EventNotification = core.EventNotification
	EventConversation = core.EventConversation
)
