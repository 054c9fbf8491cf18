package notifications

import (
	"errors"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
)

// TestGroupKeysReadBack: a grouped notification's key names its type,
// status and 12-hour bucket, and reads back as the query of exactly that
// group; other types, and types not asked to be grouped, are ungrouped by
// id; a malformed key is not found.
func TestGroupKeysReadBack(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	st := int64(77)
	fav := models.Notification{ID: 5, Type: models.NotifyFavourite, StatusID: &st, CreatedAt: at}
	key := GroupKey(fav, DefaultGroupedTypes)
	k, err := parseKey(key)
	if err != nil || k.id != 0 || k.query.StatusID != st || k.query.Types[0] != "favourite" ||
		at.Before(k.query.Since) || !at.Before(k.query.Until) || k.query.Until.Sub(k.query.Since) != groupSpan {
		t.Fatalf("%s read back as %+v, %v", key, k, err)
	}
	later := fav
	later.CreatedAt = k.query.Until
	if GroupKey(later, DefaultGroupedTypes) == key {
		t.Errorf("a favourite in the next bucket shares the key %s", key)
	}
	follow := models.Notification{ID: 6, Type: models.NotifyFollow, CreatedAt: at}
	if k, err := parseKey(GroupKey(follow, DefaultGroupedTypes)); err != nil || k.query.StatusID != 0 || k.query.Types[0] != "follow" {
		t.Errorf("follow key: %+v %v", k, err)
	}
	mention := models.Notification{ID: 7, Type: models.NotifyMention, StatusID: &st, CreatedAt: at}
	for _, c := range []struct {
		n       models.Notification
		grouped []string
	}{{mention, DefaultGroupedTypes}, {fav, []string{"reblog"}}} {
		if k, err := parseKey(GroupKey(c.n, c.grouped)); err != nil || k.id != c.n.ID {
			t.Errorf("%s with %v: %+v %v, want ungrouped by id", c.n.Type, c.grouped, k, err)
		}
	}
	for _, bad := range []string{"", "ungrouped-x", "favourite-1", "mention-1-2", "follow--3", "reblog-1-2-3"} {
		if _, err := parseKey(bad); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("parseKey(%q): %v, want not found", bad, err)
		}
	}
}
