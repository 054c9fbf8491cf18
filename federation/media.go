package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// ErrMediaRefused is returned (wrapped) when a remote file is not one the
// media cache may keep: too large, or not an image or a video.
var ErrMediaRefused = errors.New("remote media refused")

// FetchMedia downloads a remote image or video for the media cache: an
// unsigned GET through the same SSRF guard, domain blocks and redirect
// limits as every other request, refused before the body is read when the
// server announces another type or more than maxBytes, and cut off at
// maxBytes+1 bytes when it does not say. It returns the body and the
// announced media type.
func (t *Transport) FetchMedia(ctx context.Context, rawURL string, maxBytes int64) ([]byte, string, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("media %s: %w", rawURL, err)
	}
	if err := t.refuseHost(ctx, u.Host); err != nil {
		return nil, "", fmt.Errorf("media %s: %w", rawURL, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, "", fmt.Errorf("media %s: %w", rawURL, err)
	}
	req.Header.Set("Accept", "image/*, video/*")
	req.Header.Set("User-Agent", t.cfg.UserAgent)
	client := *t.client
	client.CheckRedirect = func(next *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		if next.URL.Scheme != "http" && next.URL.Scheme != "https" {
			return fmt.Errorf("redirect to scheme %q not allowed", next.URL.Scheme)
		}
		return t.refuseHost(ctx, next.URL.Host)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("media %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, "", fmt.Errorf("media: %w", &StatusError{Code: resp.StatusCode, URL: rawURL})
	}
	typ, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !strings.HasPrefix(typ, "image/") && !strings.HasPrefix(typ, "video/") {
		return nil, "", fmt.Errorf("media %s: type %q: %w", rawURL, typ, ErrMediaRefused)
	}
	if resp.ContentLength > maxBytes {
		return nil, "", fmt.Errorf("media %s: %d bytes (at most %d): %w", rawURL, resp.ContentLength, maxBytes, ErrMediaRefused)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("media %s: read body: %w", rawURL, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, "", fmt.Errorf("media %s: more than %d bytes: %w", rawURL, maxBytes, ErrMediaRefused)
	}
	return data, typ, nil
}
