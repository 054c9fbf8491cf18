package store

import (
	"embed"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Frozen migration steps are plain SQL files, one per database, embedded in
// the binary: migrations/NNNN_name.sqlite.sql and NNNN_name.postgres.sql.
// Once a step has shipped its files never change; a later step alters what an
// earlier one made. Statements are separated by a semicolon at the end of a
// line, so a step must not contain a function body ($$ … $$); write such a
// step as fixed Go instead.
//
//go:embed migrations
var migrationFiles embed.FS

// sqlStep returns the up function of the frozen step whose files are named
// by base ("0014_reports"). A missing file is a build-time mistake, so it
// fails the step rather than being skipped.
func sqlStep(base string) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error {
		name := fmt.Sprintf("migrations/%s.%s.sql", base, tx.Dialector.Name())
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		for _, stmt := range splitSQL(string(body)) {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("%s: %w\n%s", name, err, stmt)
			}
		}
		return nil
	}
}

// splitSQL cuts a script into statements at semicolons that end a line and
// drops "--" comment lines.
func splitSQL(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(script, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}
