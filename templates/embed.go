// Package templates holds the web UI's HTML templates, embedded in the binary.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.html
var FS embed.FS

// Mail holds the email templates, mail/NAME.txt (with a NAME.subject block)
// and mail/NAME.html.
//
//go:embed mail
var Mail embed.FS
