package apub

import (
	"encoding/json"
	"net/http"
)

// jsonDoc renders a document with its own media type and without
// HTML-escaping (ids with & must stay readable to other servers).
type jsonDoc struct {
	doc         any
	contentType string
}

func (r jsonDoc) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r.doc)
}

func (r jsonDoc) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", r.contentType)
}
