package service_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"plaza/server/service/portability"
)

// TestExportPagesThroughLongLists: an export of more accounts than one
// page holds lists each exactly once, and importing it into another user
// makes the same list.
func TestExportPagesThroughLongLists(t *testing.T) {
	w := newWorld(t)
	alice, bob := w.user("mover"), w.user("arrival")
	const n = 95 // more than two pages of 40
	want := map[string]bool{}
	for i := range n {
		a := w.remoteOn("r.example", fmt.Sprintf("u%d", i))
		if _, err := w.svc.Social().Mute(w.ctx, alice, a, i%2 == 0); err != nil {
			t.Fatal(err)
		}
		want[fmt.Sprintf("u%d@r.example,%v", i, i%2 == 0)] = true
	}
	var out bytes.Buffer
	if err := w.svc.Portability().Export(w.ctx, alice, portability.Mutes, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if lines[0] != "Account address,Hide notifications" || len(lines) != n+1 {
		t.Fatalf("export has %d lines, header %q", len(lines), lines[0])
	}
	for _, l := range lines[1:] {
		if !want[l] {
			t.Fatalf("unexpected or repeated line %q", l)
		}
		delete(want, l)
	}
	res, err := w.svc.Portability().Import(w.ctx, bob, portability.Mutes, strings.NewReader(out.String()))
	if err != nil || res.Done != n || len(res.Failed) != 0 {
		t.Fatalf("import = %+v, %v", res, err)
	}
	var again bytes.Buffer
	if err := w.svc.Portability().Export(w.ctx, bob, portability.Mutes, &again); err != nil {
		t.Fatal(err)
	}
	if len(strings.Split(again.String(), "\n")) != len(strings.Split(out.String(), "\n")) {
		t.Fatalf("bob's export differs in length:\n%s", again.String())
	}
}
