package service_test

import (
	"errors"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// TestInboundUndoByPairUntypedAndForbidden covers the Undo paths the
// follow/like/announce test does not: Block, an untyped inner activity
// found by its id, an inner activity with an unknown id matched by the
// (actor, object) pair, and an Undo of another actor's activity.
func TestInboundUndoByPairUntypedAndForbidden(t *testing.T) {
	w := newWorld(t)
	undo := func(signer *models.Account, inner *models.APActivity) error {
		return w.receive(signer, &models.APActivity{Type: "Undo", Activity: inner})
	}
	blocked := func() bool {
		_, err := w.st.BlockBy(w.ctx, w.rick.ID, w.alice.ID)
		return err == nil
	}
	following := func() bool {
		ok, _ := w.st.IsFollowing(w.ctx, w.rick.ID, w.alice.ID)
		return ok
	}

	// Block: untyped by id, then typed by pair.
	block := &models.APActivity{Type: "Block", Object: &models.APObject{ID: w.alice.URI}}
	w.mustReceive(w.rick, block)
	if !blocked() {
		t.Fatal("block not stored")
	}
	if err := undo(w.mary, &models.APActivity{ID: block.ID}); !errors.Is(err, core.ErrForbidden) || !blocked() {
		t.Fatalf("mary undid rick's block: %v", err)
	}
	if err := undo(w.rick, &models.APActivity{ID: block.ID}); err != nil || blocked() {
		t.Fatalf("untyped undo of the block: %v, blocked %v", err, blocked())
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Block", Object: &models.APObject{ID: w.alice.URI}})
	if err := undo(w.rick, &models.APActivity{ID: w.rick.URI + "/unknown-block", Type: "Block", Object: &models.APObject{ID: w.alice.URI}}); err != nil || blocked() {
		t.Fatalf("undo of the block by pair: %v, blocked %v", err, blocked())
	}

	// Follow: forbidden for another signer, then by pair; its notification goes.
	follow := &models.APActivity{Type: "Follow", Object: &models.APObject{ID: w.alice.URI}}
	w.mustReceive(w.rick, follow)
	if err := undo(w.mary, &models.APActivity{ID: follow.ID, Type: "Follow"}); !errors.Is(err, core.ErrForbidden) || !following() {
		t.Fatalf("mary undid rick's follow: %v", err)
	}
	if err := undo(w.rick, &models.APActivity{ID: w.rick.URI + "/unknown-follow", Type: "Follow", Object: &models.APObject{ID: w.alice.URI}}); err != nil || following() {
		t.Fatalf("undo of the follow by pair: %v, following %v", err, following())
	}
	if n := w.notifications(w.alice); has(n, "follow:rick") {
		t.Fatalf("follow notification survives: %v", n)
	}

	// Like: untyped by id, and by pair.
	st := w.post(w.alice, social.CreateStatusInput{Text: "like me"})
	like := &models.APActivity{Type: "Like", Object: &models.APObject{ID: st.URI}}
	w.mustReceive(w.rick, like)
	if err := undo(w.mary, &models.APActivity{ID: like.ID}); !errors.Is(err, core.ErrForbidden) || w.status(st.ID).FavouritesCount != 1 {
		t.Fatalf("mary undid rick's like: %v", err)
	}
	if err := undo(w.rick, &models.APActivity{ID: like.ID}); err != nil || w.status(st.ID).FavouritesCount != 0 {
		t.Fatalf("untyped undo of the like: %v", err)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Like", Object: &models.APObject{ID: st.URI}})
	if err := undo(w.rick, &models.APActivity{ID: w.rick.URI + "/unknown-like", Type: "Like", Object: &models.APObject{ID: st.URI}}); err != nil || w.status(st.ID).FavouritesCount != 0 {
		t.Fatalf("undo of the like by pair: %v", err)
	}

	// Announce: forbidden for another signer, then untyped by id.
	ann := &models.APActivity{Type: "Announce", Object: &models.APObject{ID: st.URI}, To: []string{models.PublicAddress}}
	w.mustReceive(w.rick, ann)
	if err := undo(w.mary, &models.APActivity{ID: ann.ID}); !errors.Is(err, core.ErrForbidden) || w.status(st.ID).ReblogsCount != 1 {
		t.Fatalf("mary undid rick's boost: %v", err)
	}
	if err := undo(w.rick, &models.APActivity{ID: ann.ID}); err != nil || w.status(st.ID).ReblogsCount != 0 {
		t.Fatalf("untyped undo of the boost: %v", err)
	}
	if n := w.notifications(w.alice); len(n) != 0 {
		t.Fatalf("notifications survive the undos: %v", n)
	}
}
