package store

import (
	"context"

	"plaza/models"
)

// CreateRemoteListing stores a listing read from a remote post.
func (s *Store) CreateRemoteListing(ctx context.Context, l *models.RemoteListing) error {
	if l.ID == 0 {
		l.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(l).Error, "create remote listing")
}

// RemoteListingByStatusID returns the remote listing a post carries.
func (s *Store) RemoteListingByStatusID(ctx context.Context, statusID int64) (*models.RemoteListing, error) {
	var l models.RemoteListing
	err := s.conn(ctx).Where("status_id = ?", statusID).Take(&l).Error
	return &l, translate(err, "remote listing by status")
}

// RemoteListingByID returns one remote listing.
func (s *Store) RemoteListingByID(ctx context.Context, id int64) (*models.RemoteListing, error) {
	var l models.RemoteListing
	err := s.conn(ctx).Where("id = ?", id).Take(&l).Error
	return &l, translate(err, "remote listing")
}
