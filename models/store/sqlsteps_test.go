package store

import (
	"reflect"
	"testing"
)

func TestSplitSQLCutsAtLineEndSemicolons(t *testing.T) {
	got := splitSQL("-- a comment\nCREATE TABLE a (\n  x TEXT DEFAULT ';'\n);\n\nCREATE INDEX i ON a (x);\nSELECT 1")
	want := []string{"CREATE TABLE a (\n  x TEXT DEFAULT ';'\n);", "CREATE INDEX i ON a (x);", "SELECT 1"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("splitSQL = %q, want %q", got, want)
	}
}
