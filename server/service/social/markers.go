package social

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Timelines a read-position marker can be saved for.
const (
	MarkerHome          = "home"
	MarkerNotifications = "notifications"
)

func validMarkerTimeline(t string) bool { return t == MarkerHome || t == MarkerNotifications }

// Markers returns an account's read positions in the named timelines, keyed
// by timeline; unknown timelines and timelines never saved are absent.
func (s *Service) Markers(ctx context.Context, acct *models.Account, timelines []string) (map[string]models.Marker, error) {
	var known []string
	for _, t := range timelines {
		if validMarkerTimeline(t) {
			known = append(known, t)
		}
	}
	list, err := s.store.MarkersOf(ctx, acct.ID, known)
	if err != nil {
		return nil, fmt.Errorf("markers: %w", err)
	}
	out := make(map[string]models.Marker, len(list))
	for _, m := range list {
		out[m.Timeline] = m
	}
	return out, nil
}

// SaveMarker sets an account's read position in "home" or "notifications";
// each save increments the marker's version.
func (s *Service) SaveMarker(ctx context.Context, acct *models.Account, timeline string, lastReadID int64) (models.Marker, error) {
	if !validMarkerTimeline(timeline) {
		return models.Marker{}, fmt.Errorf("%w: timeline must be home or notifications", core.ErrValidation)
	}
	if lastReadID < 0 {
		return models.Marker{}, fmt.Errorf("%w: last_read_id is invalid", core.ErrValidation)
	}
	m, err := s.store.SaveMarker(ctx, acct.ID, timeline, lastReadID, s.clock.Now())
	if err != nil {
		return models.Marker{}, fmt.Errorf("save marker: %w", err)
	}
	return m, nil
}

// SaveMarkers saves several read positions at once (timeline → last read
// id), all or none.
func (s *Service) SaveMarkers(ctx context.Context, acct *models.Account, positions map[string]int64) (map[string]models.Marker, error) {
	if len(positions) == 0 {
		return nil, fmt.Errorf("%w: no timeline given", core.ErrValidation)
	}
	out := make(map[string]models.Marker, len(positions))
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		inner := *s
		inner.store = tx
		for t, id := range positions {
			m, err := inner.SaveMarker(ctx, acct, t, id)
			if err != nil {
				return err
			}
			out[t] = m
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
