// Package static holds the web UI's assets (CSS, icons), embedded in the
// binary and served under /static/.
package static

import "embed"

// FS holds every asset.
//
//go:embed *.css *.png
var FS embed.FS
