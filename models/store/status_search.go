package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"plaza/models"
	"plaza/sanitize"
)

// Full-text search of statuses. Each status but a boost has one row in
// status_search holding its plain text (content warning and content),
// written in the transaction that writes the status. On SQLite the table
// is FTS5; on PostgreSQL it has a tsvector column with a GIN index. Both
// tokenise without stemming ("simple"), so a word matches the same posts
// on either database.

// statusSearchText is what the index holds for a status: its words folded
// as searchWords folds a query's.
func statusSearchText(st *models.Status) string {
	return foldText(strings.TrimSpace(st.SpoilerText + "\n" + sanitize.Text(st.Content)))
}

// foldText lowers s and takes the accents off its letters ("Café" is
// "cafe"), in Go so that both databases index and match the same words
// (PostgreSQL's unaccent cannot serve a generated column).
func foldText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}

// indexStatusText writes (or rewrites) the index row of a status.
func (s *Store) indexStatusText(ctx context.Context, st *models.Status) error {
	if st.ReblogOfID != nil {
		return nil
	}
	db := s.conn(ctx)
	body := statusSearchText(st)
	var err error
	if s.driver == DriverPostgres {
		err = db.Exec(`INSERT INTO status_search (status_id, body) VALUES (?, ?)
			ON CONFLICT (status_id) DO UPDATE SET body = excluded.body`, st.ID, body).Error
	} else {
		// FTS5 has no upsert: the row goes, then comes back.
		if err = db.Exec(`DELETE FROM status_search WHERE rowid = ?`, st.ID).Error; err == nil {
			err = db.Exec(`INSERT INTO status_search (rowid, body) VALUES (?, ?)`, st.ID, body).Error
		}
	}
	return translate(err, "index status text")
}

// unindexStatuses removes the index rows of deleted statuses.
func (s *Store) unindexStatuses(ctx context.Context, ids []int64) error {
	key := "rowid"
	if s.driver == DriverPostgres {
		key = "status_id"
	}
	return translate(s.conn(ctx).Exec(`DELETE FROM status_search WHERE `+key+` IN ?`, ids).Error, "unindex statuses")
}

// StatusSearch is what SearchStatuses matches.
type StatusSearch struct {
	// Words must all appear (case and accents ignored).
	Words []string
	// ViewerID sees public and unlisted posts, their own, those that
	// mention them and followers-only posts of accounts they follow; 0
	// sees public and unlisted posts only. Blocks and mutes are the
	// caller's to apply.
	ViewerID int64
	// AuthorID keeps one author's posts (0: anyone's).
	AuthorID int64
	// HasMedia keeps posts with attachments.
	HasMedia bool
	Limit    int
	// MaxID keeps posts older than it (0: no bound).
	MaxID int64
}

// SearchStatuses returns the ids of matching statuses, newest first.
func (s *Store) SearchStatuses(ctx context.Context, q StatusSearch) ([]int64, error) {
	words := searchWords(q.Words)
	if len(words) == 0 {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	db := s.conn(ctx).Table("status_search")
	if s.driver == DriverPostgres {
		db = db.Joins("JOIN statuses ON statuses.id = status_search.status_id").
			Where("status_search.tsv @@ plainto_tsquery('simple', ?)", strings.Join(words, " "))
	} else {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		db = db.Joins("JOIN statuses ON statuses.id = status_search.rowid").
			Where("status_search MATCH ?", strings.Join(quoted, " "))
	}
	db = db.Where("statuses.reblog_of_id IS NULL")
	if q.ViewerID == 0 {
		db = db.Where("statuses.visibility IN ?", []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted})
	} else {
		db = db.Where(`(statuses.visibility IN @open OR statuses.account_id = @viewer
			OR EXISTS (SELECT 1 FROM mentions WHERE mentions.status_id = statuses.id AND mentions.account_id = @viewer)
			OR (statuses.visibility = @private AND EXISTS (SELECT 1 FROM follows WHERE follows.account_id = @viewer
				AND follows.target_account_id = statuses.account_id AND follows.accepted)))`,
			map[string]any{"open": []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted},
				"viewer": q.ViewerID, "private": models.VisibilityPrivate})
	}
	if q.AuthorID != 0 {
		db = db.Where("statuses.account_id = ?", q.AuthorID)
	}
	if q.HasMedia {
		db = db.Where("EXISTS (SELECT 1 FROM media_attachments WHERE media_attachments.status_id = statuses.id)")
	}
	if q.MaxID != 0 {
		db = db.Where("statuses.id < ?", q.MaxID)
	}
	var ids []int64
	err := db.Order("statuses.id DESC").Limit(q.Limit).Pluck("statuses.id", &ids).Error
	return ids, translate(err, "search statuses")
}

// searchWords keeps the letters and digits of each word, folded: what
// both tokenisers index, and nothing that either query syntax would read
// as an operator.
func searchWords(in []string) []string {
	var out []string
	for _, w := range in {
		for _, part := range strings.FieldsFunc(foldText(w), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			out = append(out, part)
		}
	}
	return out
}

// createStatusSearch makes the index and fills it from the statuses there
// are (migration step 11).
func createStatusSearch(tx *gorm.DB) error {
	if tx.Dialector.Name() == DriverPostgres {
		if err := tx.Exec(`CREATE TABLE status_search (
			status_id BIGINT PRIMARY KEY REFERENCES statuses(id) ON DELETE CASCADE,
			body TEXT NOT NULL,
			tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)`).Error; err != nil {
			return err
		}
		if err := tx.Exec(`CREATE INDEX idx_status_search_tsv ON status_search USING GIN (tsv)`).Error; err != nil {
			return err
		}
	} else if err := tx.Exec(`CREATE VIRTUAL TABLE status_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')`).Error; err != nil {
		return err
	}
	insert := `INSERT INTO status_search (rowid, body) VALUES (?, ?)`
	if tx.Dialector.Name() == DriverPostgres {
		insert = `INSERT INTO status_search (status_id, body) VALUES (?, ?)`
	}
	write := tx.Session(&gorm.Session{NewDB: true})
	var batch []models.Status
	res := tx.Model(&models.Status{}).Select("id", "content", "spoiler_text").Where("reblog_of_id IS NULL").
		FindInBatches(&batch, 500, func(*gorm.DB, int) error {
			for i := range batch {
				if err := write.Exec(insert, batch[i].ID, statusSearchText(&batch[i])).Error; err != nil {
					return err
				}
			}
			return nil
		})
	if res.Error != nil {
		return fmt.Errorf("fill status search: %w", res.Error)
	}
	return nil
}
