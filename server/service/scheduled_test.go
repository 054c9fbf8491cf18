package service_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service"
	"plaza/server/service/core"
	"plaza/server/service/scheduled"
	"plaza/server/service/social"
)

// scheduleRig is a service with alice and a clock the test moves.
type scheduleRig = oauthRig

func newScheduleRig(t *testing.T) *scheduleRig { return newOAuthRig(t) }

func (r *scheduleRig) posts(t *testing.T) []*models.Status {
	t.Helper()
	list, err := r.svc.Social().AccountStatuses(context.Background(), r.alice, r.alice, core.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestScheduledStatusIsPublishedOnceWhenDue(t *testing.T) {
	r := newScheduleRig(t)
	ctx := context.Background()
	at := r.clock.Now().Add(2 * time.Hour)
	post, err := r.svc.Scheduled().Schedule(ctx, r.alice, at, scheduled.Params{Text: "good morning #later", Visibility: models.VisibilityUnlisted})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.svc.Scheduled().PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("before its time: published %d, %v", n, err)
	}
	if len(r.posts(t)) != 0 {
		t.Fatal("a scheduled post shows before its time")
	}
	r.clock.Advance(2*time.Hour + time.Second)

	// Two workers at once (two processes on one database) make one status.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.svc.Scheduled().PublishDue(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, err := r.svc.Scheduled().PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("a third run: published %d, %v", n, err)
	}
	got := r.posts(t)
	if len(got) != 1 || got[0].Text != "good morning #later" || got[0].Visibility != models.VisibilityUnlisted {
		t.Fatalf("after its time: %d posts %+v", len(got), got)
	}
	if _, err := r.svc.Scheduled().Get(ctx, r.alice, post.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the published schedule is still listed: %v", err)
	}
}

func TestScheduledStatusSurvivesARestart(t *testing.T) {
	r := newScheduleRig(t)
	ctx := context.Background()
	if _, err := r.svc.Scheduled().Schedule(ctx, r.alice, r.clock.Now().Add(time.Hour), scheduled.Params{Text: "still here"}); err != nil {
		t.Fatal(err)
	}
	// A new process on the same database: nothing but the rows carries over.
	restarted := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"},
		core.Deps{Store: r.svc.Core().Store(), Clock: r.clock})
	r.clock.Advance(time.Hour)
	if n, err := restarted.Scheduled().PublishDue(ctx); err != nil || n != 1 {
		t.Fatalf("after a restart: published %d, %v", n, err)
	}
	if got := r.posts(t); len(got) != 1 || got[0].Text != "still here" {
		t.Fatalf("posts: %+v", got)
	}
}

func TestScheduleRefusesWhatCouldNotBePosted(t *testing.T) {
	r := newScheduleRig(t)
	ctx := context.Background()
	soon := r.clock.Now().Add(time.Hour)
	missing := int64(12345)
	cases := map[string]struct {
		at time.Time
		p  scheduled.Params
	}{
		"in four minutes":    {r.clock.Now().Add(4 * time.Minute), scheduled.Params{Text: "hi"}},
		"in the past":        {r.clock.Now().Add(-time.Hour), scheduled.Params{Text: "hi"}},
		"no text, no media":  {soon, scheduled.Params{Text: "  "}},
		"unknown visibility": {soon, scheduled.Params{Text: "hi", Visibility: "friends"}},
		"unknown reply":      {soon, scheduled.Params{Text: "hi", InReplyToID: &missing}},
		"someone's media":    {soon, scheduled.Params{Text: "hi", MediaIDs: []int64{missing}}},
	}
	for name, c := range cases {
		if _, err := r.svc.Scheduled().Schedule(ctx, r.alice, c.at, c.p); !errors.Is(err, core.ErrValidation) {
			t.Errorf("%s: err = %v, want a validation error", name, err)
		}
	}
	if list, err := r.svc.Scheduled().List(ctx, r.alice, core.Page{}); err != nil || len(list) != 0 {
		t.Fatalf("refused posts were kept: %d, %v", len(list), err)
	}
}

func TestScheduleKeepsMastodonsDailyLimit(t *testing.T) {
	r := newScheduleRig(t)
	ctx := context.Background()
	day := r.clock.Now().Add(24 * time.Hour).Truncate(24 * time.Hour)
	for i := range scheduled.DailyLimit {
		if _, err := r.svc.Scheduled().Schedule(ctx, r.alice, day.Add(time.Duration(i)*time.Minute), scheduled.Params{Text: "one of many"}); err != nil {
			t.Fatalf("post %d: %v", i+1, err)
		}
	}
	if _, err := r.svc.Scheduled().Schedule(ctx, r.alice, day.Add(23*time.Hour), scheduled.Params{Text: "one too many"}); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("post %d on one day: err = %v, want refused", scheduled.DailyLimit+1, err)
	}
	next, err := r.svc.Scheduled().Schedule(ctx, r.alice, day.Add(25*time.Hour), scheduled.Params{Text: "the next day"})
	if err != nil {
		t.Fatalf("the next day: %v", err)
	}
	// Moving a post onto the full day is refused too; moving it within its
	// own day is not.
	if _, err := r.svc.Scheduled().Reschedule(ctx, r.alice, next.ID, day.Add(2*time.Hour)); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("reschedule onto the full day: %v", err)
	}
	if _, err := r.svc.Scheduled().Reschedule(ctx, r.alice, next.ID, day.Add(26*time.Hour)); err != nil {
		t.Fatalf("reschedule within its day: %v", err)
	}
}

func TestScheduledReplyToADeletedPostIsDropped(t *testing.T) {
	r := newScheduleRig(t)
	ctx := context.Background()
	parent, err := r.svc.Social().CreateStatus(ctx, r.alice, social.CreateStatusInput{Text: "thread start"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Scheduled().Schedule(ctx, r.alice, r.clock.Now().Add(time.Hour), scheduled.Params{Text: "follow-up", InReplyToID: &parent.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Social().DeleteStatus(ctx, r.alice, parent.ID); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Hour)
	if n, err := r.svc.Scheduled().PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("published %d, %v; want the reply dropped", n, err)
	}
	if list, _ := r.svc.Scheduled().List(ctx, r.alice, core.Page{}); len(list) != 0 {
		t.Fatal("the dropped reply is still scheduled")
	}
}
