package main

import (
	"fmt"
	"io/fs"
	"log/slog"

	"plaza/server/mail"
	"plaza/server/service"
	"plaza/templates"
)

// enableMail gives the accounts area an SMTP sender when mail.host is set.
func enableMail(cfg Config, svc *service.Service, log *slog.Logger) error {
	if cfg.Mail.Host == "" {
		return nil
	}
	tpl, err := fs.Sub(templates.Mail, "mail")
	if err != nil {
		return fmt.Errorf("mail templates: %w", err)
	}
	sender, err := mail.New(mail.Config{Host: cfg.Mail.Host, Port: cfg.Mail.Port, Username: cfg.Mail.Username,
		Password: cfg.Mail.Password, TLS: cfg.Mail.TLS, From: cfg.Mail.From}, tpl, log)
	if err != nil {
		return err
	}
	svc.Accounts().SetMailer(sender)
	return nil
}
