package social

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Stream names, as Mastodon's streaming API spells them. Hashtag streams
// are "hashtag:<name>" and "hashtag:local:<name>".
const (
	StreamUser         = "user"
	StreamNotification = "user:notification"
	StreamPublic       = "public"
	StreamPublicLocal  = "public:local"
	StreamPublicRemote = "public:remote"
	// The public streams' "only media" variants: public posts with
	// attachments.
	StreamPublicMedia       = "public:media"
	StreamPublicLocalMedia  = "public:local:media"
	StreamPublicRemoteMedia = "public:remote:media"
	// StreamMedia names the media streams as a kind for StreamTargets'
	// wants.
	StreamMedia        = "media"
	StreamHashtag      = "hashtag"
	StreamHashtagLocal = "hashtag:local"
	StreamDirect       = "direct"
	StreamList         = "list" // "list:<id>": one of the viewer's lists
)

// StreamTargets says on which of viewer's streams (viewer nil: anonymous)
// a "status" or "status.update" event belongs, and returns the status
// (Account preloaded). Nothing when the status is gone or viewer may not
// see it. "user" is the home feed (own statuses and those of followed
// accounts, boosts included, no direct ones; public ones with a followed
// hashtag); "list:<id>" the viewer's lists it shows on; public and hashtag streams
// get public statuses that are not boosts; "direct" a direct status viewer
// takes part in.
//
// wants says whether the asking session has any list stream (StreamList)
// or media stream (StreamMedia); nil: all. Those take a query each per
// session, so a session without them is spared it.
func (s *Service) StreamTargets(ctx context.Context, viewer *models.Account, ev core.Event, wants func(kind string) bool) ([]string, *models.Status, error) {
	if wants == nil {
		wants = func(string) bool { return true }
	}
	if ev.Kind != core.EventStatus && ev.Kind != core.EventStatusUpdate {
		return nil, nil, nil
	}
	st, err := s.store.StatusWithAccount(ctx, ev.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("stream targets: %w", err)
	}
	ok, err := s.core.CanSee(ctx, viewer, st)
	if err != nil || !ok {
		return nil, nil, err
	}
	var streams []string
	if viewer != nil && st.Visibility != models.VisibilityDirect {
		home := st.AccountID == viewer.ID
		if !home {
			if home, err = s.store.IsFollowing(ctx, viewer.ID, st.AccountID); err != nil {
				return nil, nil, fmt.Errorf("stream targets: %w", err)
			}
		}
		if !home && s.tagHome != nil {
			if home, err = s.tagHome(ctx, viewer, st); err != nil {
				return nil, nil, fmt.Errorf("stream targets: %w", err)
			}
		}
		if home {
			streams = append(streams, StreamUser)
		}
		if s.listStreams != nil && wants(StreamList) {
			ids, err := s.listStreams(ctx, viewer, st)
			if err != nil {
				return nil, nil, fmt.Errorf("stream targets: %w", err)
			}
			for _, id := range ids {
				streams = append(streams, StreamList+":"+core.IDString(id))
			}
		}
	}
	if viewer != nil && st.Visibility == models.VisibilityDirect {
		streams = append(streams, StreamDirect)
	}
	if st.Visibility == models.VisibilityPublic && st.ReblogOfID == nil {
		public := []string{StreamPublic, StreamPublicRemote}
		if st.Local {
			public[1] = StreamPublicLocal
		}
		streams = append(streams, public...)
		if wants(StreamMedia) {
			media, err := s.store.StatusAttachments(ctx, st.ID)
			if err != nil {
				return nil, nil, fmt.Errorf("stream targets: %w", err)
			}
			if len(media) > 0 {
				streams = append(streams, public[0]+":media", public[1]+":media")
			}
		}
		tags, err := s.store.StatusTags(ctx, st.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("stream targets: %w", err)
		}
		for _, t := range tags {
			streams = append(streams, StreamHashtag+":"+t.Name)
			if st.Local {
				streams = append(streams, StreamHashtagLocal+":"+t.Name)
			}
		}
	}
	if len(streams) == 0 {
		return nil, nil, nil
	}
	return streams, st, nil
}

// NotificationByID returns one of acct's notifications as the list shows
// it; core.ErrNotFound when it is not acct's or what it is about is gone.
func (s *Service) NotificationByID(ctx context.Context, acct *models.Account, id int64) (NotificationView, error) {
	// The list's own query and assembly, narrowed to exactly this id.
	list, err := s.Notifications(ctx, acct, core.Page{MaxID: id + 1, SinceID: id - 1, Limit: 1}, nil, nil)
	if err != nil {
		return NotificationView{}, err
	}
	if len(list) == 0 || list[0].Notification.ID != id {
		return NotificationView{}, fmt.Errorf("%w: notification", core.ErrNotFound)
	}
	return list[0], nil
}
