package service_test

import (
	"testing"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/social"
)

func accountIDs(list []*models.Account) []int64 {
	out := make([]int64, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}

func TestSearch(t *testing.T) {
	w := newWorld(t)
	w.post(w.alice, social.CreateStatusInput{Text: "#Plaza and #plazas and #other"})
	if _, err := w.svc.Accounts().UpdateProfile(w.ctx, w.bob, accounts.ProfileInput{DisplayName: profileRef("Robert Tables")}); err != nil {
		t.Fatal(err)
	}

	search := func(q string, resolve bool, types ...string) social.SearchResult {
		t.Helper()
		res, err := w.svc.Social().Search(w.ctx, w.carol, q, types, resolve, 0)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return res
	}
	t.Run("local handle", func(t *testing.T) {
		for _, q := range []string{"@alice", "alice", "alice@plaza.test", "@ALICE@plaza.test"} {
			res := search(q, false)
			if len(res.Accounts) != 1 || res.Accounts[0].ID != w.alice.ID {
				t.Errorf("%q: accounts %v", q, accountIDs(res.Accounts))
			}
			if len(res.Statuses) != 0 {
				t.Errorf("%q: statuses %v", q, ids(res.Statuses))
			}
		}
	})
	t.Run("display name prefix", func(t *testing.T) {
		res := search("rob", false)
		if len(res.Accounts) != 1 || res.Accounts[0].ID != w.bob.ID {
			t.Fatalf("accounts %v", accountIDs(res.Accounts))
		}
	})
	t.Run("remote handle known", func(t *testing.T) {
		res := search("@rick@remote.test", false)
		if len(res.Accounts) != 1 || res.Accounts[0].ID != w.rick.ID {
			t.Fatalf("accounts %v", accountIDs(res.Accounts))
		}
	})
	t.Run("hashtag prefix", func(t *testing.T) {
		res := search("#pla", false)
		if len(res.Hashtags) != 2 || res.Hashtags[0].Name != "plaza" || res.Hashtags[1].Name != "plazas" || len(res.Accounts) != 0 {
			t.Fatalf("hashtags %+v accounts %v", res.Hashtags, accountIDs(res.Accounts))
		}
		res = search("plaz", false, "hashtags")
		if len(res.Hashtags) != 2 || len(res.Accounts) != 0 {
			t.Fatalf("typed search: %+v", res)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		for _, q := range []string{"zzz", "#zzz", "nobody@nowhere.test", "https://nowhere.test/x", ""} {
			res := search(q, true)
			if len(res.Accounts)+len(res.Statuses)+len(res.Hashtags) != 0 {
				t.Errorf("%q found %+v", q, res)
			}
			if res.Accounts == nil || res.Statuses == nil || res.Hashtags == nil {
				t.Errorf("%q: nil lists", q)
			}
		}
	})
	t.Run("local status URL", func(t *testing.T) {
		pub := w.post(w.bob, social.CreateStatusInput{Text: "find me"})
		priv := w.post(w.bob, social.CreateStatusInput{Text: "not me", Visibility: models.VisibilityPrivate})
		if res := search(pub.URI, false); len(res.Statuses) != 1 || res.Statuses[0].ID != pub.ID {
			t.Fatalf("by uri: %+v", res)
		}
		if res := search(pub.URL, false); len(res.Statuses) != 1 || res.Statuses[0].ID != pub.ID {
			t.Fatalf("by url: %+v", res)
		}
		if res := search(priv.URI, false); len(res.Statuses) != 0 {
			t.Fatal("private status found by a non-follower")
		}
		if res := search(w.alice.URI, false); len(res.Accounts) != 1 || res.Accounts[0].ID != w.alice.ID {
			t.Fatalf("account by uri: %+v", res)
		}
	})
	t.Run("resolve remote status", func(t *testing.T) {
		obj := note(w.mary, "n1", "<p>hello from mary</p>", []string{models.PublicAddress}, nil)
		w.fetch.objects[obj.ID] = obj
		dm := note(w.mary, "n2", "<p>secret</p>", []string{w.carol.URI}, nil)
		w.fetch.objects[dm.ID] = dm
		if res := search(obj.ID, false); len(res.Statuses) != 0 {
			t.Fatal("fetched without resolve")
		}
		res := search(obj.ID, true)
		if len(res.Statuses) != 1 || res.Statuses[0].URI != obj.ID || res.Statuses[0].AccountID != w.mary.ID {
			t.Fatalf("resolved: %+v", res)
		}
		if again := search(obj.ID, true); len(again.Statuses) != 1 || again.Statuses[0].ID != res.Statuses[0].ID {
			t.Fatal("resolved twice into two statuses")
		}
		if res := search(dm.ID, true); len(res.Statuses) != 0 {
			t.Fatal("direct status stored from a fetch")
		}
	})
	t.Run("blocked accounts hidden", func(t *testing.T) {
		if _, err := w.svc.Social().Block(w.ctx, w.alice, w.carol); err != nil {
			t.Fatal(err)
		}
		if res := search("alice", false); len(res.Accounts) != 0 {
			t.Fatalf("blocking account found: %v", accountIDs(res.Accounts))
		}
	})
}
