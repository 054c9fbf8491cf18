package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// waitServing waits until rs logs that it listens.
func waitServing(t *testing.T, rs *runningServe) {
	t.Helper()
	if rs.waitExitOrReady(t) {
		t.Fatalf("plaza serve exited:\n%s", rs.logs.String())
	}
}

// TestMigrateStatusAndBackupRestore runs the built binary: migrate
// --status on an empty database (all pending, nothing created), migrate,
// --status again (all applied), then `plaza backup` while `plaza serve`
// runs and a post exists; the backup, used as the database of a new
// instance, serves that post over HTTP.
func TestMigrateStatusAndBackupRestore(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t, "127.0.0.5")
	db := storetest.EmptyConfig(t)
	env := append(dbEnv(db.Driver, db.DSN), "PLAZA_HOST="+addr, "PLAZA_LISTEN="+addr, "PLAZA_PROTOCOL=http",
		"PLAZA_STORAGE_PATH="+filepath.Join(dir, "media"))

	st := plazaCLI(t, dir, env, "migrate", "--status")
	if st.code != 0 || !strings.Contains(st.out, "  13  pending") || strings.Contains(st.out, "applied") || !strings.Contains(st.out, "pending: run plaza migrate") {
		t.Fatalf("status of an empty database (exit %d):\n%s", st.code, st.out)
	}
	if r := plazaCLI(t, dir, env, "migrate", "--status"); strings.Contains(r.out, "applied") {
		t.Fatalf("migrate --status migrated:\n%s", r.out)
	}
	if r := plazaCLI(t, dir, env, "migrate"); r.code != 0 {
		t.Fatalf("migrate: %d %s", r.code, r.out)
	}
	st = plazaCLI(t, dir, env, "migrate", "--status")
	if st.code != 0 || strings.Contains(st.out, "pending") || !strings.Contains(st.out, "  13  applied 20") || !strings.Contains(st.out, "database is up to date") {
		t.Fatalf("status after migrate (exit %d):\n%s", st.code, st.out)
	}

	backup := filepath.Join(dir, "backup.db")
	if db.Driver == store.DriverPostgres {
		r := plazaCLI(t, dir, env, "backup", backup)
		if r.code == 0 || !strings.Contains(r.out, "pg_dump --format=custom") || !strings.Contains(r.out, "pg_restore") {
			t.Fatalf("backup on PostgreSQL (exit %d): %s", r.code, r.out)
		}
		if _, err := os.Stat(backup); err == nil {
			t.Fatal("backup on PostgreSQL wrote a file")
		}
		return
	}

	if r := plazaCLI(t, dir, env, "user", "create", "--username", "alice", "--email", "alice@example.test", "--password", "correct horse battery"); r.code != 0 {
		t.Fatalf("user create: %s", r.out)
	}
	token := strings.TrimSpace(plazaCLI(t, dir, env, "user", "token", "--username", "alice").out)
	rs := startServe(t, dir, env)
	waitServing(t, rs)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/statuses", strings.NewReader(`{"status":"kept in the backup","visibility":"public"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var posted struct{ ID string }
	_ = json.NewDecoder(res.Body).Decode(&posted)
	res.Body.Close()
	if res.StatusCode != 200 || posted.ID == "" {
		t.Fatalf("post status: %d", res.StatusCode)
	}
	// The copy is taken while the server runs.
	r := plazaCLI(t, dir, env, "backup", backup)
	if r.code != 0 || !strings.Contains(r.out, "backup written to "+backup) {
		t.Fatalf("backup (exit %d): %s", r.code, r.out)
	}
	if r := plazaCLI(t, dir, env, "backup", backup); r.code == 0 || !strings.Contains(r.out, "already exists") {
		t.Fatalf("backup over an existing file (exit %d): %s", r.code, r.out)
	}
	if code := rs.stop(t, os.Interrupt); code != 0 {
		t.Fatalf("serve exit %d", code)
	}

	// Restore: the backup is the database of a new instance (same host).
	restored := append(dbEnv(store.DriverSQLite, backup), "PLAZA_HOST="+addr, "PLAZA_LISTEN="+addr, "PLAZA_PROTOCOL=http",
		"PLAZA_STORAGE_PATH="+filepath.Join(dir, "media"))
	if err := os.Remove(db.DSN); err != nil {
		t.Fatal(err)
	}
	rs = startServe(t, dir, restored)
	waitServing(t, rs)
	status, body := get(t, "http://"+addr+"/api/v1/statuses/"+posted.ID, "application/json")
	if status != 200 || !strings.Contains(body, "kept in the backup") {
		t.Fatalf("status from the restored backup: %d %s", status, body)
	}
	rs.stop(t, os.Interrupt)
}

// TestMediaPruneCLI: `plaza media prune` deletes old orphaned uploads, old
// stored copies of remote media (keeping the remote URL) and old stray
// files; attached, recent and referenced media stay; --dry-run lists the
// same and deletes nothing.
func TestMediaPruneCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storetest.Config(t)
	in := startInstanceAt(t, "127.0.0.6:0", db)
	alice := in.createUser(t, "alice")
	bob := &models.Account{Username: "bob", Domain: "remote.example", ActorType: models.ActorPerson,
		URI: "https://remote.example/users/bob", PublicKeyID: "https://remote.example/users/bob#key", PublicKeyPEM: "pem",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	bob.ID = in.store.NewID()
	if err := in.store.UpsertRemoteAccount(ctx, bob); err != nil {
		t.Fatal(err)
	}
	media := in.cfg.Storage.Path
	if err := os.MkdirAll(media, 0o750); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-10 * 24 * time.Hour)
	file := func(name string, mtime time.Time) {
		p := filepath.Join(media, name)
		if err := os.WriteFile(p, []byte("image bytes"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	statusID := int64(12345)
	add := func(acct *models.Account, created time.Time, status *int64, f, remote string) int64 {
		m := &models.MediaAttachment{ID: in.store.NewID(), CreatedAt: created, AccountID: acct.ID, StatusID: status,
			Type: "image", File: f, URL: "http://x/media/" + f, RemoteURL: remote}
		if f != "" {
			m.PreviewFile = strings.TrimSuffix(f, ".png") + "_small.jpg"
			file(f, created)
			file(m.PreviewFile, created)
		}
		if err := in.store.CreateMediaAttachment(ctx, m); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	orphan := add(alice, old, nil, "orphan.png", "")
	recent := add(alice, time.Now(), nil, "recent.png", "")
	attached := add(alice, old, &statusID, "attached.png", "")
	remote := add(bob, old, &statusID, "remote.png", "https://remote.example/m/1.png")
	file("stray.bin", old)
	file("fresh-stray.bin", time.Now())

	env := append(dbEnv(db.Driver, db.DSN), "PLAZA_HOST="+in.host, "PLAZA_STORAGE_PATH="+media)
	listing := func(r cliRun) {
		t.Helper()
		for _, want := range []string{"orphaned upload " + itoa(orphan) + "\n", "remote media copy " + itoa(remote) + "\n", "stray file stray.bin\n",
			": 1 orphaned uploads, 1 remote media copies, 5 files"} {
			if !strings.Contains(r.out, want) {
				t.Fatalf("prune output lacks %q:\n%s", want, r.out)
			}
		}
		for _, not := range []string{itoa(recent), itoa(attached), "fresh-stray"} {
			if strings.Contains(r.out, not) {
				t.Fatalf("prune lists %s:\n%s", not, r.out)
			}
		}
	}
	exists := func(name string) bool { _, err := os.Stat(filepath.Join(media, name)); return err == nil }

	dry := plazaCLI(t, dir, env, "media", "prune", "--older-than", "7", "--dry-run")
	if dry.code != 0 || !strings.Contains(dry.out, "dry run, nothing deleted") {
		t.Fatalf("dry run (exit %d): %s", dry.code, dry.out)
	}
	listing(dry)
	for _, f := range []string{"orphan.png", "orphan_small.jpg", "remote.png", "stray.bin"} {
		if !exists(f) {
			t.Fatalf("dry run deleted %s", f)
		}
	}
	if _, err := in.store.MediaByID(ctx, orphan); err != nil {
		t.Fatalf("dry run deleted the orphan's row: %v", err)
	}

	run := plazaCLI(t, dir, env, "media", "prune", "--older-than", "7")
	if run.code != 0 || !strings.Contains(run.out, "deleted: ") {
		t.Fatalf("prune (exit %d): %s", run.code, run.out)
	}
	listing(run)
	for _, f := range []string{"orphan.png", "orphan_small.jpg", "remote.png", "remote_small.jpg", "stray.bin"} {
		if exists(f) {
			t.Errorf("%s is still there", f)
		}
	}
	for _, f := range []string{"recent.png", "attached.png", "attached_small.jpg", "fresh-stray.bin"} {
		if !exists(f) {
			t.Errorf("%s was deleted", f)
		}
	}
	if _, err := in.store.MediaByID(ctx, orphan); err == nil {
		t.Error("the orphan's row is still there")
	}
	m, err := in.store.MediaByID(ctx, remote)
	if err != nil || m.File != "" || m.RemoteURL != "https://remote.example/m/1.png" {
		t.Errorf("remote media after prune = %+v, %v; want the row with its remote URL and no file", m, err)
	}
	if _, err := in.store.MediaByID(ctx, attached); err != nil {
		t.Errorf("attached media row: %v", err)
	}
	if r := plazaCLI(t, dir, env, "media", "prune"); r.code != 2 {
		t.Fatalf("prune without --older-than exit %d: %s", r.code, r.out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestExportImportCLI: `plaza import` of Mastodon CSVs on instance A
// follows bob@B (the Follow reaches B, B accepts), blocks and mutes carol@B
// and reports an unknown address; `plaza export` prints them back in
// Mastodon's formats.
func TestExportImportCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbA := storetest.Config(t)
	a := startInstanceAt(t, "127.0.0.7:0", dbA)
	b := startInstance(t, "127.0.0.8")
	a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	b.createUser(t, "carol")
	env := append(dbEnv(dbA.Driver, dbA.DSN), "PLAZA_HOST="+a.host, "PLAZA_PROTOCOL=http",
		"PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES=true", "PLAZA_STORAGE_PATH="+a.cfg.Storage.Path)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	follows := write("following_accounts.csv", "Account address,Show boosts,Notify on new posts,Languages\n"+
		"bob@"+b.host+",true,false,\nnobody@"+b.host+",true,false,\n")
	r := plazaCLI(t, dir, env, "import", "--user", "alice", "--kind", "follows", follows)
	if r.code != 1 || !strings.Contains(r.out, "imported 1 follows for @alice, 1 failed") || !strings.Contains(r.out, "failed nobody@"+b.host) {
		t.Fatalf("import follows (exit %d):\n%s", r.code, r.out)
	}
	// The Follow is delivered to B by A's running server, and accepted.
	waitFor(t, 20*time.Second, func() bool {
		aliceOnB, err := b.store.AccountByUsernameDomain(ctx, "alice", a.host)
		if err != nil {
			return false
		}
		f, err := b.store.FollowBetween(ctx, aliceOnB.ID, bob.ID)
		return err == nil && f.Accepted
	})
	var out string
	waitFor(t, 20*time.Second, func() bool {
		out = plazaCLI(t, dir, env, "export", "--user", "alice", "--kind", "follows").out
		return strings.Contains(out, "bob@"+b.host)
	})
	if want := "Account address,Show boosts,Notify on new posts,Languages\nbob@" + b.host + ",true,false,\n"; out != want {
		t.Fatalf("export follows = %q, want %q", out, want)
	}

	blocks := write("blocked_accounts.csv", "carol@"+b.host+"\n")
	if r := plazaCLI(t, dir, env, "import", "--user", "alice", "--kind", "blocks", blocks); r.code != 0 {
		t.Fatalf("import blocks (exit %d): %s", r.code, r.out)
	}
	if out := plazaCLI(t, dir, env, "export", "--user", "alice", "--kind", "blocks").out; out != "carol@"+b.host+"\n" {
		t.Fatalf("export blocks = %q", out)
	}
	mutes := write("muted_accounts.csv", "Account address,Hide notifications\ncarol@"+b.host+",true\nbob@"+b.host+",false\n")
	if r := plazaCLI(t, dir, env, "import", "--user", "alice", "--kind", "mutes", mutes); r.code != 0 {
		t.Fatalf("import mutes (exit %d): %s", r.code, r.out)
	}
	out = plazaCLI(t, dir, env, "export", "--user", "alice", "--kind", "mutes").out
	if !strings.HasPrefix(out, "Account address,Hide notifications\n") || !strings.Contains(out, "\ncarol@"+b.host+",true\n") ||
		!strings.Contains(out, "\nbob@"+b.host+",false\n") {
		t.Fatalf("export mutes = %q", out)
	}
	if r := plazaCLI(t, dir, env, "export", "--user", "alice", "--kind", "lists"); r.code != 2 {
		t.Fatalf("export of an unknown kind exit %d: %s", r.code, r.out)
	}
}
