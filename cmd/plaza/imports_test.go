package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportDirection holds the import rules of DESIGN.md: which project
// packages each layer may import (directly or through others), and that only
// payments imports stripe-go and no business or storage code imports HTTP
// frameworks or signature code it should not.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "plaza/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	type pkg struct {
		ImportPath string
		Imports    []string // direct
		Deps       []string // transitive
	}
	rules := []struct {
		prefix    string   // packages the rule is about
		forbidden []string // import path prefixes they must not depend on
	}{
		{"plaza/models", []string{"plaza/server", "plaza/federation", "plaza/payments", "github.com/gin-gonic/gin", "github.com/stripe/"}},
		{"plaza/server/service", []string{"plaza/server/mastoapi", "plaza/server/web", "plaza/server/apub", "plaza/federation", "plaza/payments", "github.com/gin-gonic/gin", "github.com/stripe/", "github.com/go-fed/httpsig"}},
		{"plaza/federation", []string{"plaza/server", "plaza/payments", "github.com/gin-gonic/gin", "github.com/stripe/"}},
		{"plaza/payments", []string{"plaza/server", "plaza/federation", "plaza/models/store", "github.com/gin-gonic/gin"}},
	}
	// The HTTP adapters go through the service: they may not import the
	// store themselves (they reach it only through service).
	adapters := []string{"plaza/server/mastoapi", "plaza/server/web", "plaza/server/apub"}
	// The bare models package must not import any other project package.
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p.ImportPath, "/storetest") || strings.HasSuffix(p.ImportPath, "/stripemock") {
			continue // test helpers
		}
		for _, r := range rules {
			if p.ImportPath != r.prefix && !strings.HasPrefix(p.ImportPath, r.prefix+"/") {
				continue
			}
			if r.prefix == "plaza/models" && strings.HasPrefix(p.ImportPath, "plaza/models/store") {
				continue // the store has its own, wider rule below
			}
			checked++
			for _, d := range p.Deps {
				for _, f := range r.forbidden {
					if d == f || strings.HasPrefix(d, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(d, f+"/")) {
						t.Errorf("%s depends on %s (DESIGN.md forbids %s)", p.ImportPath, d, f)
					}
				}
			}
		}
		for _, a := range adapters {
			if p.ImportPath != a {
				continue
			}
			checked++
			for _, d := range p.Imports {
				if d == "plaza/models/store" {
					t.Errorf("%s imports plaza/models/store; it must call the service", p.ImportPath)
				}
			}
		}
		if p.ImportPath == "plaza/sanitize" {
			// The remote HTML and URL policy is a leaf shared by federation
			// and service: it may import no project package.
			checked++
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "plaza/") {
					t.Errorf("plaza/sanitize imports project package %s", d)
				}
			}
		}
		if p.ImportPath == "plaza/models" {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "plaza/") {
					t.Errorf("plaza/models imports project package %s", d)
				}
			}
		}
		if strings.HasPrefix(p.ImportPath, "plaza/models/store") {
			for _, d := range p.Deps {
				for _, f := range []string{"plaza/server", "plaza/federation", "plaza/payments"} {
					if d == f || strings.HasPrefix(d, f+"/") {
						t.Errorf("%s depends on %s", p.ImportPath, d)
					}
				}
			}
		}
		if strings.HasPrefix(p.ImportPath, "plaza/") && !strings.HasPrefix(p.ImportPath, "plaza/payments") && !strings.HasPrefix(p.ImportPath, "plaza/cmd") {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "github.com/stripe/stripe-go") {
					t.Errorf("%s depends on stripe-go; only payments/ may", p.ImportPath)
				}
			}
		}
	}
	if checked < 7 {
		t.Fatalf("checked only %d packages; is go list seeing the module?", checked)
	}
}

// areaRules is the import table of the business layer's areas
// (docs/DESIGN.md): the areas each package under server/service/ may depend
// on, directly or through another package. The root package (the wiring)
// may depend on every area; nothing else may depend on inbound.
var areaRules = map[string][]string{
	"core":          {},
	"accounts":      {"core"},
	"media":         {"core"},
	"messaging":     {"core"},
	"social":        {"core", "messaging"},
	"lists":         {"core"},
	"payments":      {"core", "accounts"},
	"payviews":      {"core", "accounts", "payments", "requests"},
	"requests":      {"core", "accounts", "payments"},
	"moderation":    {"core"},
	"scheduled":     {"core", "messaging", "social"},
	"push":          {"core"},
	"discovery":     {"core"},
	"announcements": {"core"},
	"filters":       {"core"},
	"inbound":       {"core", "accounts", "messaging", "social", "payments", "moderation", "reports"},
	"portability":   {"core", "messaging", "social"},
	"polls":         {"core"},
	"emoji":         {"core"},
	"pins":          {"core", "messaging", "social"},
	"quotes":        {"core", "messaging", "social"},
	"relations":     {"core", "messaging", "social"},
	"notifications": {"core", "messaging", "social"},
	"remotemedia":   {"core"},
	"backfill":      {"core", "messaging", "social"},
	"reports":       {"core", "accounts", "messaging", "social", "moderation"},
	"shop":          {"core", "accounts", "messaging", "social", "payments"},
	"supporters":    {"core", "accounts", "payments"},
	"tags":          {"core", "discovery"},
}

// TestAreaImports holds areaRules: every package under server/service/ has
// a row, depends on no area outside it (payments on no social internals,
// core on no area), and no package but the root wiring imports inbound.
func TestAreaImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "plaza/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const prefix = "plaza/server/service/"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string // direct
			Deps       []string // transitive
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if leaf := p.ImportPath; leaf == "plaza/server/ratelimit" || leaf == "plaza/server/sse" {
			// Leaves: the standard library (and golang.org/x/time/rate) only.
			for _, d := range p.Imports {
				if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") && d != "golang.org/x/time/rate" {
					t.Errorf("%s imports %s; it may import only the standard library and golang.org/x/time/rate", leaf, d)
				}
				if strings.HasPrefix(d, "plaza/") {
					t.Errorf("%s imports project package %s", leaf, d)
				}
			}
		}
		for _, d := range p.Imports {
			if d == prefix+"inbound" && p.ImportPath != "plaza/server/service" {
				t.Errorf("%s imports %s; only the root wiring may", p.ImportPath, d)
			}
		}
		area, ok := strings.CutPrefix(p.ImportPath, prefix)
		if !ok {
			continue
		}
		allowed, ok := areaRules[area]
		if !ok {
			t.Errorf("%s has no row in areaRules (docs/DESIGN.md): place it in the table", p.ImportPath)
			continue
		}
		seen[area] = true
		for _, d := range p.Deps {
			if d == "plaza/server/service" {
				t.Errorf("%s depends on the root wiring", p.ImportPath)
			}
			dep, ok := strings.CutPrefix(d, prefix)
			if !ok {
				continue
			}
			if !slices.Contains(allowed, strings.SplitN(dep, "/", 2)[0]) {
				t.Errorf("%s depends on %s; areaRules allows only %v", p.ImportPath, d, allowed)
			}
		}
	}
	for area := range areaRules {
		if !seen[area] {
			t.Errorf("areaRules names %s, which go list does not see", area)
		}
	}
}
