package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/server/service/core"
	"plaza/server/service/portability"
)

// maxImportFileBytes bounds a CSV uploaded on the import form: Mastodon's
// exports of thousands of accounts fit well inside it.
const maxImportFileBytes = 1 << 20

// importExportPage is the settings tab that exports and imports follows,
// blocks and mutes as Mastodon's CSV files.
type importExportPage struct {
	page
	Section string
	Result  *portability.Result
	Kind    string
}

func (h *Handler) importExportForm(c *gin.Context) {
	p := h.navPage(c, "Import and export", "settings")
	h.render(c, http.StatusOK, "settings_import_export.html", importExportPage{page: p, Section: "import_export"})
}

// exportList sends the viewer's follows, blocks or mutes as the CSV file
// Mastodon would.
func (h *Handler) exportList(c *gin.Context) {
	k, err := portability.ParseKind(c.Param("kind"))
	if err != nil {
		h.renderError(c, fmt.Errorf("%w: export", core.ErrNotFound))
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+k.FileName()+`"`)
	c.Status(http.StatusOK)
	if err := h.svc.Portability().Export(c.Request.Context(), viewer(c), k, c.Writer); err != nil {
		// The header is gone; the log has what the truncated file does not.
		h.log.ErrorContext(c.Request.Context(), "export failed", "kind", string(k), "error", err.Error())
	}
}

// importList follows, blocks or mutes what an uploaded Mastodon CSV lists,
// then shows what was done and what failed.
func (h *Handler) importList(c *gin.Context) {
	p := h.navPage(c, "Import and export", "settings")
	view := importExportPage{page: p, Section: "import_export", Kind: c.PostForm("kind")}
	fail := func(err error) {
		status, _, msg := errorStatus(err)
		if status >= 500 {
			h.renderError(c, err)
			return
		}
		view.Error = msg
		h.render(c, status, "settings_import_export.html", view)
	}
	k, err := portability.ParseKind(view.Kind)
	if err != nil {
		fail(err)
		return
	}
	fh, err := formFile(c, "file")
	if err != nil {
		fail(err)
		return
	}
	if fh == nil {
		fail(fmt.Errorf("%w: choose a CSV file to import", core.ErrValidation))
		return
	}
	if fh.Size > maxImportFileBytes {
		fail(fmt.Errorf("%w: the file is larger than %d KiB", core.ErrValidation, maxImportFileBytes>>10))
		return
	}
	f, err := fh.Open()
	if err != nil {
		fail(err)
		return
	}
	defer f.Close()
	res, err := h.svc.Portability().Import(c.Request.Context(), viewer(c), k, io.LimitReader(f, maxImportFileBytes))
	if err != nil && !errors.Is(err, core.ErrValidation) {
		h.renderError(c, err)
		return
	}
	view.Result = res
	if err != nil {
		_, _, view.Error = errorStatus(err)
	}
	h.render(c, http.StatusOK, "settings_import_export.html", view)
}
