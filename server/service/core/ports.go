package core

import (
	"context"

	"plaza/models"
	"plaza/models/store"
)

// Publisher sends activities to other instances. It is called inside the
// transaction of the change that causes the activity (tx), so the queued
// deliveries commit or roll back with it. federation.Publisher implements it.
type Publisher interface {
	Publish(ctx context.Context, tx *store.Store, out *models.Outgoing) error
}

// CollectionFetcher reads the first items of a remote collection (an
// actor's featured collection); federation's resolver implements it.
type CollectionFetcher interface {
	FetchCollectionItems(ctx context.Context, uri string, limit int) ([]*models.APObject, error)
}

// Fetcher looks up remote actors and objects the service meets (a mention
// of an unknown account, a reply to an unknown post, a boost of a post
// not yet seen). federation.Resolver implements it.
type Fetcher interface {
	ResolveActor(ctx context.Context, uri string, refresh bool) (*models.Account, error)
	ResolveHandle(ctx context.Context, handle string) (*models.Account, error)
	FetchObject(ctx context.Context, uri string) (*models.APObject, error)
}
