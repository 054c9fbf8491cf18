package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payviews"
)

type payHistoryData struct {
	payPage
	Rows       []payviews.HistoryRow
	Totals     []payviews.MonthTotal
	Filter     payviews.HistoryFilter
	Chat       string
	States     []payOption
	Currencies []string
	CSV        string
}

type payOption struct{ Value, Label string }

// historyFilter reads the filters of the history page and its CSV.
func historyFilter(c *gin.Context) payviews.HistoryFilter {
	f := payviews.HistoryFilter{Role: c.Query("role"), Person: strings.TrimSpace(c.Query("person")), State: c.Query("state"),
		Month: c.Query("month"), Currency: c.Query("currency")}
	f.ConversationID, _ = strconv.ParseInt(c.Query("chat"), 10, 64)
	return f
}

// history is GET /payments?role=&person=&chat=&state=&month=&currency=:
// every payment and request with its counterpart and chat, and monthly
// totals.
func (p *PayPages) history(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	f := historyFilter(c)
	h, err := p.svc.PayViews().History(c.Request.Context(), me, f)
	if err != nil {
		p.fail(c, err)
		return
	}
	d := payHistoryData{payPage: p.base(c, "Payments", me), Rows: h.Rows, Totals: h.Totals, Filter: f,
		Currencies: p.svc.Payments().PaymentCurrencies(), CSV: "/payments/history.csv?" + c.Request.URL.RawQuery}
	if f.ConversationID != 0 {
		d.Chat = strconv.FormatInt(f.ConversationID, 10)
	}
	for _, st := range payviews.HistoryStates() {
		d.States = append(d.States, payOption{st, payStateLabel(models.PaymentState(st))})
	}
	p.render(c, http.StatusOK, "pay_history.html", d)
}

// historyCSV is GET /payments/history.csv with the filters of the page.
func (p *PayPages) historyCSV(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	h, err := p.svc.PayViews().History(c.Request.Context(), me, historyFilter(c))
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="payments.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"date", "kind", "direction", "counterpart", "amount", "currency", "state", "note", "chat", "payment_id", "request_id"})
	for _, r := range h.Rows {
		who := ""
		if r.Counterpart != nil {
			who = strings.TrimPrefix(core.Handle(r.Counterpart), "@") // no leading @: spreadsheets read it as a formula
		}
		_ = w.Write([]string{r.At.UTC().Format("2006-01-02T15:04:05Z"), r.Kind, r.Direction, csvCell(who), r.Amount, r.Currency, r.State,
			csvCell(r.Note), csvCell(r.ChatContext), idOrEmpty(r.PaymentID), idOrEmpty(r.RequestID)})
	}
	w.Flush()
}

// csvCell keeps a spreadsheet from reading text as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
