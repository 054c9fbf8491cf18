// Package templates holds the web UI's HTML templates, embedded in the binary.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.html
var FS embed.FS
