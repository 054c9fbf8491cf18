// Package mail sends Plaza's email over SMTP: one message per call, plain
// text and HTML alternatives rendered from templates/mail/NAME.txt and
// NAME.html. It is an adapter (like federation for HTTP): the areas declare
// what they need as a port and never import it.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// TLS modes of the connection to the SMTP server.
const (
	TLSNone     = "none"
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
)

// Config is the SMTP server and the sender.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string
	From     string
	// Timeout bounds one whole send (dial to QUIT); 0 means 30s.
	Timeout time.Duration
}

// Sender renders and sends messages. It holds no state between sends.
type Sender struct {
	cfg  Config
	from *mail.Address
	txt  *template.Template
	html *htmltemplate.Template
	log  *slog.Logger
}

// New parses every template of fsys (NAME.txt, defining a NAME.subject block, and
// NAME.html) and checks the sender address.
func New(cfg Config, fsys fs.FS, log *slog.Logger) (*Sender, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", cfg.From, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	txt, err := template.ParseFS(fsys, "*.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: text templates: %w", err)
	}
	html, err := htmltemplate.ParseFS(fsys, "*.html")
	if err != nil {
		return nil, fmt.Errorf("mail: html templates: %w", err)
	}
	return &Sender{cfg: cfg, from: from, txt: txt, html: html, log: log}, nil
}

// Send renders template name with data and sends it to one address. The
// data is never logged: it carries confirmation and reset links.
func (s *Sender) Send(ctx context.Context, to, name string, data any) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg, err := s.render(rcpt, name, data)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.deliver(ctx, rcpt.Address, msg); err != nil {
		return fmt.Errorf("mail: send %s: %w", name, err)
	}
	s.log.InfoContext(ctx, "email sent", slog.String("template", name))
	return nil
}

// render builds the RFC 5322 message: multipart/alternative, text first
// (the least preferred), each part quoted-printable.
func (s *Sender) render(to *mail.Address, name string, data any) ([]byte, error) {
	var subject, text, html bytes.Buffer
	if err := s.txt.ExecuteTemplate(&subject, name+".subject", data); err != nil {
		return nil, fmt.Errorf("mail: %s subject: %w", name, err)
	}
	if err := s.txt.ExecuteTemplate(&text, name+".txt", data); err != nil {
		return nil, fmt.Errorf("mail: %s text: %w", name, err)
	}
	if err := s.html.ExecuteTemplate(&html, name+".html", data); err != nil {
		return nil, fmt.Errorf("mail: %s html: %w", name, err)
	}
	var body bytes.Buffer
	mp := multipart.NewWriter(&body)
	for _, part := range []struct {
		typ  string
		body []byte
	}{{"text/plain; charset=utf-8", text.Bytes()}, {"text/html; charset=utf-8", html.Bytes()}} {
		w, err := mp.CreatePart(textproto.MIMEHeader{
			"Content-Type": {part.typ}, "Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write(part.body); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mp.Close(); err != nil {
		return nil, err
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	var msg bytes.Buffer
	header := func(k, v string) { msg.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", strings.TrimSpace(subject.String())))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", `multipart/alternative; boundary="`+mp.Boundary()+`"`)
	header("Auto-Submitted", "auto-generated")
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

// deliver speaks SMTP: TLS as configured (STARTTLS required when asked,
// never silently skipped), AUTH PLAIN when a user is set, one recipient.
func (s *Sender) deliver(ctx context.Context, to string, msg []byte) error {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	tlsCfg := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	var d net.Dialer
	var conn net.Conn
	var err error
	if s.cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the server does not offer STARTTLS")
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return err
		}
	}
	if s.cfg.Username != "" {
		// smtp.PlainAuth refuses to send the password unencrypted except
		// to localhost, which is the rule we want.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
