package service_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/federation"
	"plaza/models"
	"plaza/server/service/polls"
	"plaza/server/service/social"
)

const mastodonQuestion = "http://mastodon.example.org/users/admin/statuses/102070944809637304"

// TestGoldenPolls: Mastodon's Question becomes a poll with its counts, its
// Update(Question) moves the counts without making an edit, a local vote on
// it goes out as Mastodon's vote Note; Mastodon's vote Note on a local poll
// is counted (not stored as a reply) and answered with an Update(Question)
// that reads back as the same poll.
func TestGoldenPolls(t *testing.T) {
	t.Run("mastodon Question, its update, and a vote on it", func(t *testing.T) {
		g := newGoldenWorld(t)
		g.deliver("mastodon/create_question.json")
		st := g.status(mastodonQuestion)
		views, err := g.svc.Polls().ViewsOf(g.ctx, g.lain, []int64{st.ID})
		if err != nil || views[st.ID] == nil {
			t.Fatalf("no poll for the Question: %v", err)
		}
		v := views[st.ID]
		if v.Poll.Multiple || v.Expired || v.Poll.VotersCount != 2 || v.Poll.VotesCount != 2 || len(v.Options) != 4 ||
			v.Options[1].Title != "Bicycle" || v.Options[1].VotesCount != 1 || v.Options[3].VotesCount != 1 ||
			!v.Poll.ExpiresAt.Equal(time.Date(2099, 5, 11, 9, 3, 36, 0, time.UTC)) {
			t.Fatalf("poll: %+v options %+v", v.Poll, v.Options)
		}

		// lain votes: one Create(Note) in Mastodon's vote shape to the author.
		rec := g.svc.Core().Publisher().(*recorder)
		if _, err := g.svc.Polls().Vote(g.ctx, g.lain, v.Poll.ID, []int{1}); err != nil {
			t.Fatal(err)
		}
		out := rec.last("Create")
		if out == nil || out.PollVote == nil {
			t.Fatalf("no vote sent: %v", rec.types())
		}
		doc, err := federation.NewEncoder(g.st).Activity(g.ctx, nil, out)
		if err != nil {
			t.Fatal(err)
		}
		obj := doc["object"].(map[string]any)
		if obj["type"] != "Note" || obj["name"] != "Bicycle" || obj["inReplyTo"] != mastodonQuestion ||
			obj["attributedTo"] != g.lain.URI || !strings.Contains(obj["id"].(string), g.lain.URI+"#votes/") ||
			doc["id"] != obj["id"].(string)+"/activity" || obj["content"] != nil {
			t.Fatalf("vote Note: %v", doc)
		}
		if to, _ := obj["to"].([]string); len(to) != 1 || to[0] != "http://mastodon.example.org/users/admin" {
			t.Fatalf("vote addressed to %v, want the poll's author alone", obj["to"])
		}
		// Encoded and decoded again, it is a vote again.
		raw, _ := json.Marshal(doc)
		back, err := federation.DecodeActivity(raw)
		if err != nil || back.Object.Name != "Bicycle" || back.Object.InReplyTo != mastodonQuestion {
			t.Fatalf("vote read back: %+v, %v", back, err)
		}

		g.deliver("mastodon/update_question.json")
		st = g.status(mastodonQuestion)
		views, err = g.svc.Polls().ViewsOf(g.ctx, g.lain, []int64{st.ID})
		if err != nil {
			t.Fatal(err)
		}
		v = views[st.ID]
		if !v.Expired || v.Poll.VotersCount != 5 || v.Options[1].VotesCount != 3 || v.Options[0].VotesCount != 1 || len(v.OwnVotes) != 1 {
			t.Fatalf("after Update(Question): %+v options %+v own %v", v.Poll, v.Options, v.OwnVotes)
		}
		if st.EditedAt != nil {
			t.Fatal("new counts made the status edited")
		}
		// The poll ended: lain, a local voter, hears of it.
		if n, err := g.svc.Polls().SweepEnded(g.ctx); err != nil || n != 1 || !g.hasNotification(models.NotifyPoll) {
			t.Fatalf("sweep: %d, %v; poll notification %v", n, err, g.hasNotification(models.NotifyPoll))
		}
	})

	t.Run("mastodon vote on a local poll", func(t *testing.T) {
		g := newGoldenWorld(t)
		in := polls.Input{Options: []string{"Train", "Bicycle"}, ExpiresIn: time.Hour}
		st, err := g.svc.Social().CreateStatus(g.ctx, g.lain, social.CreateStatusInput{Text: "How do you travel?", Extra: g.svc.Polls().Attach(in)})
		if err != nil {
			t.Fatal(err)
		}
		rec := g.svc.Core().Publisher().(*recorder)
		body, err := os.ReadFile(filepath.Join("..", "..", "federation", "testdata", "mastodon", "vote.json"))
		if err != nil {
			t.Fatal(err)
		}
		body = []byte(strings.ReplaceAll(string(body), "QUESTION_ID", strconv.FormatInt(st.ID, 10)))
		g.deliverBody("mastodon/vote.json", body)
		g.deliverBody("mastodon/vote.json (again)", body) // a redelivery counts once

		views, err := g.svc.Polls().ViewsOf(g.ctx, g.lain, []int64{st.ID})
		if err != nil {
			t.Fatal(err)
		}
		v := views[st.ID]
		if v.Poll.VotesCount != 1 || v.Poll.VotersCount != 1 || v.Options[1].VotesCount != 1 {
			t.Fatalf("after the vote: %+v %+v", v.Poll, v.Options)
		}
		if again := g.status(st.URI); again.RepliesCount != 0 {
			t.Fatalf("the vote became a reply (%d replies)", again.RepliesCount)
		}
		if _, err := g.st.StatusWithAccountByURI(g.ctx, "http://mastodon.example.org/users/admin#votes/387"); err == nil {
			t.Fatal("the vote Note was stored as a status")
		}
		// The new counts go out as Update(Question), read back as the poll.
		out := rec.last("Update")
		if out == nil || out.Status == nil || out.Status.ID != st.ID {
			t.Fatalf("no Update(Question): %v", rec.types())
		}
		doc, err := federation.NewEncoder(g.st).Activity(g.ctx, nil, out)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(doc)
		back, err := federation.DecodeActivity(raw)
		if err != nil || back.Object.Type != "Question" || back.Object.Poll == nil {
			t.Fatalf("Update(Question) read back: %s, %v", raw, err)
		}
		if p := back.Object.Poll; p.Multiple || len(p.Options) != 2 || p.Options[1].VotesCount != 1 || p.VotersCount != 1 ||
			p.EndTime.IsZero() || !p.Closed.IsZero() || back.Object.Updated != (time.Time{}) {
			t.Fatalf("Question: %+v updated %v", p, back.Object.Updated)
		}
		if !strings.Contains(string(raw), `"oneOf":[{"name":"Train","replies":{"totalItems":0,"type":"Collection"},"type":"Note"}`) {
			t.Fatalf("not Mastodon's oneOf shape: %s", raw)
		}
	})
}
