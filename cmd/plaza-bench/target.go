package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// errNotLoopback refuses a target outside 127.0.0.0/8 and ::1.
var errNotLoopback = errors.New("target is not a loopback address (load tests target only your own servers; --allow-non-loopback overrides)")

// checkLoopback requires every address rawURL's host resolves to to be a
// loopback address, unless allow is set.
func checkLoopback(ctx context.Context, rawURL string, allow bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("target %q: must be an absolute http(s) URL", rawURL)
	}
	if allow {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s: %w", host, errNotLoopback)
		}
		return nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return fmt.Errorf("target %s: %w", host, err)
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return fmt.Errorf("%s resolves to %s: %w", host, ip.IP, errNotLoopback)
		}
	}
	return nil
}

// newHTTPClient returns a client that keeps enough idle connections for
// conns concurrent requests, so a run does not exhaust ephemeral ports.
func newHTTPClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 4 * max(conns, 16)
	tr.MaxIdleConnsPerHost = 2 * max(conns, 8)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// API is a small Mastodon client API client: just what the scenarios use.
type API struct {
	Base  string // e.g. http://127.0.0.2:8080
	Token string
	HTTP  *http.Client
}

// Status is the part of a Mastodon status entity the harness reads.
type Status struct {
	ID      string `json:"id"`
	URI     string `json:"uri"`
	Content string `json:"content"`
	Account struct {
		Acct string `json:"acct"`
	} `json:"account"`
}

// Account is the part of a Mastodon account entity the harness reads.
type Account struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"`
	FollowersCount int    `json:"followers_count"`
	StatusesCount  int    `json:"statuses_count"`
}

// call sends one request; a form is sent url-encoded. A non-2xx answer is
// an error carrying the start of the body.
func (a *API) call(ctx context.Context, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, a.Base+path, body)
	if err != nil {
		return err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, truncate(string(data), 200))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// PostStatus publishes a public status.
func (a *API) PostStatus(ctx context.Context, text string) (*Status, error) {
	var st Status
	err := a.call(ctx, http.MethodPost, "/api/v1/statuses", url.Values{"status": {text}, "visibility": {"public"}}, &st)
	return &st, err
}

// Timeline reads one page of a timeline path such as /api/v1/timelines/home.
func (a *API) Timeline(ctx context.Context, path string) ([]Status, error) {
	var page []Status
	err := a.call(ctx, http.MethodGet, path, nil, &page)
	return page, err
}

// Me returns the token's account.
func (a *API) Me(ctx context.Context) (*Account, error) {
	var acc Account
	err := a.call(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", nil, &acc)
	return &acc, err
}

// Follow resolves handle (user@host) through search and follows it,
// returning the account id on the target.
func (a *API) Follow(ctx context.Context, handle string) (string, error) {
	var found struct{ Accounts []Account }
	q := url.Values{"q": {"@" + handle}, "resolve": {"true"}, "type": {"accounts"}}
	if err := a.call(ctx, http.MethodGet, "/api/v2/search?"+q.Encode(), nil, &found); err != nil {
		return "", err
	}
	if len(found.Accounts) == 0 {
		return "", fmt.Errorf("search %s: no account found", handle)
	}
	id := found.Accounts[0].ID
	return id, a.call(ctx, http.MethodPost, "/api/v1/accounts/"+id+"/follow", url.Values{}, nil)
}

// PasswordToken gets a bearer token through the Mastodon app registration
// and OAuth password grant, where the target allows that grant (Mastodon
// does; servers without it need --token).
func PasswordToken(ctx context.Context, hc *http.Client, base, username, password string) (string, error) {
	pub := &API{Base: base, HTTP: hc}
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	scopes := "read write follow"
	if err := pub.call(ctx, http.MethodPost, "/api/v1/apps", url.Values{
		"client_name": {"plaza-bench"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {scopes},
	}, &app); err != nil {
		return "", fmt.Errorf("register app: %w", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := pub.call(ctx, http.MethodPost, "/oauth/token", url.Values{
		"grant_type": {"password"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"username": {username}, "password": {password}, "scope": {scopes},
	}, &tok); err != nil {
		return "", fmt.Errorf("password grant (pass --token if the server has none): %w", err)
	}
	return tok.AccessToken, nil
}

// TargetActor is what the harness needs of the target account's actor.
type TargetActor struct {
	ID          string
	Inbox       string
	SharedInbox string // Inbox when the actor has none
}

// discoverActor finds the actor of username on the target through
// WebFinger (acct:username@<target host>), then reads its document with a
// GET signed by signer (servers in authorized-fetch mode require one).
func discoverActor(ctx context.Context, hc *http.Client, base, username string, signer *Signer) (*TargetActor, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	wf := base + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+username+"@"+u.Host)
	var jrd struct {
		Links []struct{ Rel, Type, Href string }
	}
	if err := getJSON(ctx, hc, wf, "application/jrd+json", nil, &jrd); err != nil {
		return nil, fmt.Errorf("webfinger: %w", err)
	}
	var id string
	for _, l := range jrd.Links {
		if l.Rel == "self" && (strings.Contains(l.Type, "activity+json") || strings.Contains(l.Type, "ld+json")) {
			id = l.Href
			break
		}
	}
	if id == "" {
		return nil, fmt.Errorf("webfinger %s: no ActivityPub self link", username)
	}
	var doc struct {
		ID        string `json:"id"`
		Inbox     string `json:"inbox"`
		Endpoints struct {
			SharedInbox string `json:"sharedInbox"`
		} `json:"endpoints"`
	}
	if err := getJSON(ctx, hc, id, "application/activity+json", signer, &doc); err != nil {
		return nil, fmt.Errorf("actor: %w", err)
	}
	if doc.ID == "" || doc.Inbox == "" {
		return nil, fmt.Errorf("actor %s: no id or inbox", id)
	}
	t := &TargetActor{ID: doc.ID, Inbox: doc.Inbox, SharedInbox: doc.Endpoints.SharedInbox}
	if t.SharedInbox == "" {
		t.SharedInbox = t.Inbox
	}
	return t, nil
}

// getJSON GETs rawURL (signed when signer is set) and decodes the answer.
func getJSON(ctx context.Context, hc *http.Client, rawURL, accept string, signer *Signer, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", accept)
	if signer != nil {
		if err := signer.Sign(req, nil); err != nil {
			return err
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("GET %s: %d %s", rawURL, resp.StatusCode, truncate(string(data), 200))
	}
	return json.NewDecoder(bytes.NewReader(data)).Decode(out)
}
