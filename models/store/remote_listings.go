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

// RemoteListingIDsOfStatuses maps each of statusIDs that carries a remote
// listing to that listing's id.
func (s *Store) RemoteListingIDsOfStatuses(ctx context.Context, statusIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []models.RemoteListing
	if err := s.conn(ctx).Select("id", "status_id").Where("status_id IN ?", statusIDs).Find(&rows).Error; err != nil {
		return nil, translate(err, "remote listings of statuses")
	}
	for _, r := range rows {
		out[r.StatusID] = r.ID
	}
	return out, nil
}

// RemoteListingByProposal returns the remote listing of a Proposal id.
func (s *Store) RemoteListingByProposal(ctx context.Context, proposalURI string) (*models.RemoteListing, error) {
	var l models.RemoteListing
	err := s.conn(ctx).Where("proposal_uri = ?", proposalURI).Take(&l).Error
	return &l, translate(err, "remote listing by proposal")
}

// SaveRemoteListing writes every field of a remote listing.
func (s *Store) SaveRemoteListing(ctx context.Context, l *models.RemoteListing) error {
	return translate(s.conn(ctx).Save(l).Error, "save remote listing")
}
