// Package static holds the web UI's assets (CSS, script, icons), embedded in the
// binary and served under /static/.
package static

import "embed"

// FS holds every asset.
//
//go:embed *.css *.png *.js
var FS embed.FS
