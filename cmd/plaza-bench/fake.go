package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-fed/httpsig"
)

const (
	asPublic      = "https://www.w3.org/ns/activitystreams#Public"
	activityJSON  = "application/activity+json"
	maxInboxBytes = 1 << 20
)

// Signer signs requests as one actor: draft-cavage HTTP Signatures,
// rsa-sha256 over (request-target) host date, plus digest on a POST — what
// Mastodon, GoToSocial and Plaza send and require.
type Signer struct {
	KeyID string
	Key   *rsa.PrivateKey
}

// Sign adds Date, Digest (when body is not nil) and Signature to req.
func (s *Signer) Sign(req *http.Request, body []byte) error {
	headers := []string{httpsig.RequestTarget, "host", "date"}
	if body != nil {
		headers = append(headers, "digest")
	}
	sig, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return fmt.Errorf("new signer: %w", err)
	}
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	// httpsig reads "host" from the header map; the client sends URL.Host.
	req.Header.Set("Host", req.URL.Host)
	defer req.Header.Del("Host")
	if err := sig.SignRequest(s.Key, s.KeyID, req, body); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	return nil
}

// signedPost POSTs an activity signed by signer and wants a 2xx answer.
func signedPost(ctx context.Context, hc *http.Client, inbox string, activity any, signer *Signer) error {
	body, err := json.Marshal(activity)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", activityJSON)
	if err := signer.Sign(req, body); err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", inbox, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d %s", inbox, resp.StatusCode, truncate(string(data), 200))
	}
	return nil
}

// Receipt is one delivery a fake instance received.
type Receipt struct {
	Instance int
	Actor    string // the personal inbox's owner; "" for the shared inbox
	At       time.Time
}

// Fleet is a set of fake remote instances served on loopback addresses,
// each with a few actors sharing the instance's RSA key. It records the
// Creates and Accepts delivered to them and accepts every Follow.
type Fleet struct {
	Instances []*Instance
	hc        *http.Client
	nonce     string // makes ids unique across runs against one server

	ctx    context.Context // bounds background work (auto-accepts)
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every record
	accepts map[string]time.Time
	creates map[string][]Receipt
	errs    []string
}

// Instance is one fake remote server.
type Instance struct {
	Index  int
	Host   string // 127.0.0.x:port, the authority in every id
	Base   string // http://Host
	Actors []string
	Shared bool // actors advertise the shared inbox
	key    *rsa.PrivateKey
	pubPEM string
	srv    *http.Server
	fleet  *Fleet
}

// FleetConfig sizes a fleet.
type FleetConfig struct {
	Instances  int
	Actors     int  // per instance
	FirstOctet int  // instance i listens on 127.0.0.(FirstOctet+i)
	Shared     bool // advertise a shared inbox (as Mastodon and GoToSocial do)
	KeyBits    int
}

// StartFleet starts the instances; Close stops them.
func StartFleet(cfg FleetConfig, hc *http.Client) (*Fleet, error) {
	if cfg.Instances < 1 || cfg.Actors < 1 {
		return nil, errors.New("fleet: needs at least one instance and one actor")
	}
	if cfg.FirstOctet < 2 || cfg.FirstOctet+cfg.Instances > 255 {
		return nil, fmt.Errorf("fleet: 127.0.0.%d + %d instances leaves 127.0.0.0/24", cfg.FirstOctet, cfg.Instances)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	ctx, cancel := context.WithCancel(context.Background())
	f := &Fleet{hc: hc, nonce: hex.EncodeToString(b[:]), ctx: ctx, cancel: cancel,
		changed: make(chan struct{}), accepts: map[string]time.Time{}, creates: map[string][]Receipt{}}
	for i := 0; i < cfg.Instances; i++ {
		inst, err := f.startInstance(i, cfg)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.Instances = append(f.Instances, inst)
	}
	return f, nil
}

func (f *Fleet) startInstance(i int, cfg FleetConfig) (*Instance, error) {
	key, err := rsa.GenerateKey(rand.Reader, cfg.KeyBits)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", cfg.FirstOctet+i))
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	inst := &Instance{Index: i, Host: ln.Addr().String(), Shared: cfg.Shared, key: key, fleet: f,
		pubPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}
	inst.Base = "http://" + inst.Host
	for a := 0; a < cfg.Actors; a++ {
		inst.Actors = append(inst.Actors, fmt.Sprintf("bench%d", a))
	}
	inst.srv = &http.Server{Handler: inst.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = inst.srv.Serve(ln) }()
	return inst, nil
}

// Close stops the instances and waits for background work.
func (f *Fleet) Close() {
	f.cancel()
	f.wg.Wait()
	for _, inst := range f.Instances {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = inst.srv.Shutdown(ctx)
		cancel()
	}
}

// Followers is the number of actors in the fleet.
func (f *Fleet) Followers() int {
	n := 0
	for _, inst := range f.Instances {
		n += len(inst.Actors)
	}
	return n
}

// ActorID is the id of one of the instance's actors.
func (inst *Instance) ActorID(name string) string { return inst.Base + "/users/" + name }

// Signer signs as one of the instance's actors.
func (inst *Instance) Signer(name string) *Signer {
	return &Signer{KeyID: inst.ActorID(name) + "#main-key", Key: inst.key}
}

// Handle is user@host of one of the instance's actors.
func (inst *Instance) Handle(name string) string { return name + "@" + inst.Host }

func (inst *Instance) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{name}", inst.serveActor)
	mux.HandleFunc("GET /users/{name}/{coll}", inst.serveCollection)
	mux.HandleFunc("POST /users/{name}/inbox", inst.serveInbox)
	mux.HandleFunc("POST /inbox", inst.serveInbox)
	mux.HandleFunc("GET /.well-known/webfinger", inst.serveWebFinger)
	mux.HandleFunc("GET /.well-known/nodeinfo", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, "application/json", map[string]any{"links": []any{map[string]string{
			"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": inst.Base + "/nodeinfo/2.0"}}})
	})
	mux.HandleFunc("GET /nodeinfo/2.0", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, "application/json", map[string]any{"version": "2.0", "software": map[string]string{"name": "plaza-bench", "version": "0"},
			"protocols": []string{"activitypub"}, "openRegistrations": false, "usage": map[string]any{"users": map[string]int{"total": len(inst.Actors)}}})
	})
	return mux
}

func (inst *Instance) known(name string) bool {
	for _, a := range inst.Actors {
		if a == name {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

func (inst *Instance) serveActor(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !inst.known(name) {
		http.NotFound(w, r)
		return
	}
	id := inst.ActorID(name)
	actor := map[string]any{
		"@context":          []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                id,
		"type":              "Person",
		"preferredUsername": name,
		"name":              "Bench " + name,
		"url":               id,
		"inbox":             id + "/inbox",
		"outbox":            id + "/outbox",
		"followers":         id + "/followers",
		"following":         id + "/following",
		"discoverable":      true,
		"publicKey":         map[string]string{"id": id + "#main-key", "owner": id, "publicKeyPem": inst.pubPEM},
	}
	if inst.Shared {
		actor["endpoints"] = map[string]string{"sharedInbox": inst.Base + "/inbox"}
	}
	writeJSON(w, activityJSON, actor)
}

func (inst *Instance) serveCollection(w http.ResponseWriter, r *http.Request) {
	if !inst.known(r.PathValue("name")) {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, activityJSON, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": inst.Base + r.URL.Path, "type": "OrderedCollection", "totalItems": 0, "orderedItems": []any{}})
}

func (inst *Instance) serveWebFinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	name, ok := strings.CutSuffix(strings.TrimPrefix(res, "acct:"), "@"+inst.Host)
	if !ok || !inst.known(name) {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, "application/jrd+json", map[string]any{"subject": res,
		"links": []any{map[string]string{"rel": "self", "type": activityJSON, "href": inst.ActorID(name)}}})
}

// serveInbox records Creates and Accepts and accepts Follows. Signatures
// are not verified: the fake instances measure the target, they do not
// guard anything.
func (inst *Instance) serveInbox(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	name := r.PathValue("name")
	if name != "" && !inst.known(name) {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInboxBytes))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	var act struct {
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Actor  string          `json:"actor"`
		Object json.RawMessage `json:"object"`
	}
	if err := json.Unmarshal(body, &act); err != nil {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	f := inst.fleet
	switch act.Type {
	case "Create":
		f.record(func() {
			f.creates[refID(act.Object)] = append(f.creates[refID(act.Object)], Receipt{inst.Index, name, at})
		})
	case "Accept":
		f.record(func() { f.accepts[refID(act.Object)] = at })
	case "Follow":
		followed := strings.TrimPrefix(refID(act.Object), inst.Base+"/users/")
		if inst.known(followed) {
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				if err := inst.accept(followed, act.Actor, json.RawMessage(body)); err != nil {
					f.record(func() { f.errs = append(f.errs, err.Error()) })
				}
			}()
		}
	}
}

// accept answers a Follow of one of the instance's actors with a signed
// Accept to the follower's inbox.
func (inst *Instance) accept(followed, follower string, follow json.RawMessage) error {
	ctx, cancel := context.WithTimeout(inst.fleet.ctx, 30*time.Second)
	defer cancel()
	signer := inst.Signer(followed)
	var doc struct {
		Inbox string `json:"inbox"`
	}
	if err := getJSON(ctx, inst.fleet.hc, follower, activityJSON, signer, &doc); err != nil || doc.Inbox == "" {
		return fmt.Errorf("accept follow by %s: fetch follower: %v", follower, err)
	}
	accept := map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": inst.ActorID(followed) + "#accepts/" + inst.fleet.newID(), "type": "Accept",
		"actor": inst.ActorID(followed), "object": follow}
	return signedPost(ctx, inst.fleet.hc, doc.Inbox, accept, signer)
}

// refID reads an id that is either a string or an object with an id.
func refID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.ID
}

var idSeq struct {
	sync.Mutex
	n int
}

// newID is unique within the fleet and across runs.
func (f *Fleet) newID() string {
	idSeq.Lock()
	defer idSeq.Unlock()
	idSeq.n++
	return fmt.Sprintf("%s-%d", f.nonce, idSeq.n)
}

func (f *Fleet) record(change func()) {
	f.mu.Lock()
	change()
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
}

// waitFor blocks until cond (called under the fleet's lock) holds or ctx
// ends; it reports whether cond held.
func (f *Fleet) waitFor(ctx context.Context, cond func() bool) bool {
	for {
		f.mu.Lock()
		ok, ch := cond(), f.changed
		f.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

// Receipts returns the deliveries of the Create of object id.
func (f *Fleet) Receipts(objectID string) []Receipt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Receipt(nil), f.creates[objectID]...)
}

// Errors returns what background work (auto-accepts) failed with.
func (f *Fleet) Errors() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errs...)
}

// note builds a public Create(Note) by one actor.
func (inst *Instance) note(name, text string) map[string]any {
	actor := inst.ActorID(name)
	id := actor + "/statuses/" + inst.fleet.newID()
	now := time.Now().UTC().Format(time.RFC3339)
	to, cc := []string{asPublic}, []string{actor + "/followers"}
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       id + "/activity", "type": "Create", "actor": actor, "published": now, "to": to, "cc": cc,
		"object": map[string]any{"id": id, "type": "Note", "attributedTo": actor, "url": id, "published": now,
			"content": "<p>" + text + "</p>", "to": to, "cc": cc},
	}
}
