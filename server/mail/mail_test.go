package mail_test

import (
	"context"
	"io/fs"
	"log/slog"
	"strings"
	"testing"

	"plaza/server/mail"
	"plaza/server/mail/mailpit"
	"plaza/templates"
)

func sender(t *testing.T, mp *mailpit.Server, tlsMode string) *mail.Sender {
	t.Helper()
	tpl, err := fs.Sub(templates.Mail, "mail")
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.New(mail.Config{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: tlsMode, From: "Plaza <noreply@plaza.test>"}, tpl, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSendMultipart: one message with a text and an HTML part, the subject
// from the template, HTML escaped in the HTML part only.
func TestSendMultipart(t *testing.T) {
	mp := mailpit.Start(t)
	data := struct{ Instance, Username, Link, Valid string }{"Plaza <Test>", "zoë", "http://127.0.0.2/auth/confirm?token=abc", "24 hours"}
	if err := sender(t, mp, mail.TLSNone).Send(context.Background(), "zoe@mail.test", "confirm", data); err != nil {
		t.Fatal(err)
	}
	m := mp.WaitFor(t, "zoe@mail.test", "Confirm your account on Plaza <Test>")
	if !strings.Contains(m.Text, "Hello zoë,") || !strings.Contains(m.Text, data.Link) {
		t.Fatalf("text part: %q", m.Text)
	}
	if !strings.Contains(m.HTML, `href="http://127.0.0.2/auth/confirm?token=abc"`) || !strings.Contains(m.HTML, "Plaza &lt;Test&gt;") {
		t.Fatalf("html part: %q", m.HTML)
	}
}

// TestStartTLSIsRequired: with tls: starttls a server that does not offer
// STARTTLS gets nothing; the message is never sent in the clear.
func TestStartTLSIsRequired(t *testing.T) {
	mp := mailpit.Start(t)
	err := sender(t, mp, mail.TLSStartTLS).Send(context.Background(), "zoe@mail.test", "confirm",
		struct{ Instance, Username, Link, Valid string }{"Plaza", "zoe", "http://x/", "1 hour"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("send without STARTTLS: %v", err)
	}
	if n := mp.Count(t, "zoe@mail.test"); n != 0 {
		t.Fatalf("%d messages sent in the clear", n)
	}
}
