package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"plaza/models"
)

// pushService is a Web Push service on loopback, as a phone's push
// provider would be: it checks each request's VAPID signature and decrypts
// the payload with the subscriber's keys (RFC 8291), as the phone would.
type pushService struct {
	srv       *httptest.Server
	key       *ecdh.PrivateKey
	auth      []byte
	serverKey string // the instance's VAPID key, once known
	got       chan map[string]any
	status    atomic.Int32 // answered to each push
}

func newPushService(t *testing.T) *pushService {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &pushService{key: key, auth: make([]byte, 16), got: make(chan map[string]any, 16)}
	p.status.Store(http.StatusCreated)
	_, _ = rand.Read(p.auth)
	ln, err := net.Listen("tcp", "127.0.0.5:0")
	if err != nil {
		t.Fatal(err)
	}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.receive))
	p.srv.Listener = ln
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

func (p *pushService) receive(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<10))
	msg, err := p.open(r, body)
	if err != nil {
		msg = map[string]any{"error": err.Error()}
	}
	p.got <- msg
	w.WriteHeader(int(p.status.Load()))
}

// open checks the VAPID header and decrypts an aes128gcm body.
func (p *pushService) open(r *http.Request, body []byte) (map[string]any, error) {
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		return nil, fmt.Errorf("headers: %v", r.Header)
	}
	auth := r.Header.Get("Authorization")
	var jwt, k string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "vapid "), ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			jwt = v
		}
		if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	if k == "" || k != p.serverKey {
		return nil, fmt.Errorf("VAPID key %q is not the instance's %q", k, p.serverKey)
	}
	if err := verifyES256(jwt, k, "http://"+r.Host); err != nil {
		return nil, err
	}
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt, idLen := body[:16], int(body[20])
	senderPub, ciphertext := body[21:21+idLen], body[21+idLen:]
	as, err := ecdh.P256().NewPublicKey(senderPub)
	if err != nil {
		return nil, err
	}
	secret, err := p.key.ECDH(as)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(p.key.PublicKey().Bytes()) + string(senderPub)
	ikm, err := hkdf.Key(sha256.New, secret, p.auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	plain = bytes.TrimSuffix(plain, []byte{2})
	var msg map[string]any
	return msg, json.Unmarshal(plain, &msg)
}

// verifyES256 checks a VAPID JWT against the public key k and its audience.
func verifyES256(token, k, aud string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	pubBytes, _ := base64.RawURLEncoding.DecodeString(k)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pubBytes)
	if err != nil {
		return err
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if len(sig) != 64 {
		return errors.New("signature length")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("VAPID signature does not verify")
	}
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(claims, &c); err != nil || c.Aud != aud || c.Exp < time.Now().Unix() || c.Sub == "" {
		return fmt.Errorf("VAPID claims %s, want aud %s", claims, aud)
	}
	return nil
}

func (p *pushService) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m := <-p.got:
		if e, ok := m["error"]; ok {
			t.Fatalf("push service refused a push: %v", e)
		}
		return m
	case <-time.After(15 * time.Second):
		t.Fatal("no push arrived")
	}
	return nil
}

// TestWebPushReachesTheSubscriber: alice's app subscribes through
// Mastodon's push API for favourites and follows; bob favourites her post,
// mentions her (not wanted) and follows her. The push service gets two
// signed, encrypted pushes it can read, in order; when it answers 410 the
// subscription is gone.
func TestWebPushReachesTheSubscriber(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice, bob := a.createUser(t, "alice"), a.createUser(t, "bob")
	ps := newPushService(t)
	token, err := a.svc.Accounts().CreateToken(ctx, "alice", "read write push")
	if err != nil {
		t.Fatal(err)
	}
	call := func(tok, method, body string) (int, string) {
		t.Helper()
		return sendRaw(t, a.host, method, "/api/v1/push/subscription", bearer(tok, "Content-Type", "application/json"), strings.NewReader(body), -1)
	}
	enc := base64.RawURLEncoding.EncodeToString
	sub := func(endpoint, p256dh, auth string) string {
		return `{"subscription":{"endpoint":"` + endpoint + `","keys":{"p256dh":"` + p256dh + `","auth":"` + auth + `"}},` +
			`"data":{"policy":"all","alerts":{"favourite":true,"follow":true,"mention":false}}}`
	}
	readOnly := mustToken(t, a, "alice")
	if status, body := call(readOnly, "POST", sub(ps.srv.URL, enc(ps.key.PublicKey().Bytes()), enc(ps.auth))); status != http.StatusForbidden {
		t.Fatalf("subscribing without the push scope: %d %s", status, body)
	}
	for name, body := range map[string]string{
		"not a URL":     sub("ftp://x", enc(ps.key.PublicKey().Bytes()), enc(ps.auth)),
		"a short key":   sub(ps.srv.URL, enc([]byte("short")), enc(ps.auth)),
		"a long secret": sub(ps.srv.URL, enc(ps.key.PublicKey().Bytes()), enc(make([]byte, 32))),
	} {
		if status, out := call(token, "POST", body); status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422", name, status, out)
		}
	}
	status, body := call(token, "POST", sub(ps.srv.URL, enc(ps.key.PublicKey().Bytes()), enc(ps.auth)))
	var entity struct {
		ID        string          `json:"id"`
		Endpoint  string          `json:"endpoint"`
		Alerts    map[string]bool `json:"alerts"`
		Policy    string          `json:"policy"`
		ServerKey string          `json:"server_key"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &entity) != nil || entity.Endpoint != ps.srv.URL ||
		!entity.Alerts["favourite"] || entity.Alerts["mention"] || entity.Policy != "all" || entity.ServerKey == "" {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	if inst := apiGet(t, a, token, "/api/v2/instance"); !strings.Contains(inst, entity.ServerKey) {
		t.Fatalf("the instance does not advertise its VAPID key: %s", inst)
	}
	ps.serverKey = entity.ServerKey

	post := a.post(t, alice, "push me", models.VisibilityPublic, nil)
	if _, err := a.svc.Social().Favourite(ctx, bob, post.ID); err != nil {
		t.Fatal(err)
	}
	m := ps.next(t)
	if m["notification_type"] != "favourite" || m["title"] != "bob favourited your post" || m["body"] != "push me" || m["notification_id"] == "" {
		t.Fatalf("favourite push: %v", m)
	}
	a.post(t, bob, "hey @alice", models.VisibilityPublic, nil)
	if _, err := a.svc.Social().Follow(ctx, bob, alice); err != nil {
		t.Fatal(err)
	}
	if m := ps.next(t); m["notification_type"] != "follow" || m["title"] != "bob followed you" {
		t.Fatalf("the push after an unwanted mention: %v, want the follow", m)
	}

	// The push service says the subscription is gone: it is removed.
	ps.status.Store(http.StatusGone)
	if _, err := a.svc.Social().Favourite(ctx, bob, a.post(t, alice, "again", models.VisibilityPublic, nil).ID); err != nil {
		t.Fatal(err)
	}
	ps.next(t)
	eventually(t, "the gone subscription is removed", func() bool {
		status, _ := call(token, "GET", "")
		return status == http.StatusNotFound
	})
}
