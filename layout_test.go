package accord_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/accordverify/accord"

// rule is one row of the dependency rules of the design: the module
// packages a package may import, and the modules outside the standard
// library it may use.
type rule struct {
	internal []string // module-relative package paths
	external []string // import path prefixes
}

// rules maps each package (module-relative path) to its row. Dependencies
// point inward: enrich <- breakout <- compliance/talks; record <- ledger;
// store never imports ledger; server declares the interfaces it consumes
// and app implements them over the ledger and the store; cmd/accord parses
// flags. state is the common language of facts: dataset and evidence
// produce facts, state derives the state, compliance evaluates it. calendar
// is the civil date all of them share. A package missing here fails the
// test, so every new package gets a row.
var rules = map[string]rule{
	".":                        {},
	"enrich":                   {}, // standard library only
	"examples":                 {}, // embedded example files
	"breakout":                 {internal: []string{"enrich", "internal/input"}, external: []string{"go.yaml.in/yaml/v3"}},
	"internal/calendar":        {external: []string{"go.yaml.in/yaml/v3"}},
	"internal/input":           {external: []string{"go.yaml.in/yaml/v3"}}, // the one bad-input error, and strict YAML decoding that reports it
	"internal/cputime":         {},                                         // processor time for benchmarks; standard library only
	"internal/evidence":        {internal: []string{"internal/accountancy", "internal/calendar", "internal/dataset", "internal/record", "internal/state"}},
	"internal/keyfile":         {external: []string{"filippo.io/age", "golang.org/x/mod/sumdb/note"}},
	"internal/agreement":       {internal: []string{"enrich", "internal/calendar", "internal/input", "internal/record", "internal/state"}, external: []string{"go.yaml.in/yaml/v3"}},
	"internal/state":           {internal: []string{"enrich", "internal/calendar"}},
	"internal/dataset":         {internal: []string{"enrich", "internal/calendar", "internal/state"}},
	"internal/compliance":      {internal: []string{"enrich", "breakout", "internal/agreement", "internal/calendar", "internal/state", "internal/input"}},
	"internal/record":          {internal: []string{"enrich", "internal/calendar", "internal/input", "internal/state"}, external: []string{"filippo.io/age", "golang.org/x/mod/sumdb/note", "github.com/transparency-dev/formats/note", "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"}},
	"internal/metrics":         {external: []string{"github.com/prometheus/client_golang/"}},                   // the server's Prometheus metrics
	"internal/progress":        {external: []string{"github.com/schollz/progressbar/v3", "golang.org/x/term"}}, // progress on a terminal
	"internal/ledger":          {internal: []string{"internal/poll", "internal/record"}, external: []string{"github.com/transparency-dev/", "golang.org/x/mod/sumdb/", "golang.org/x/sync/semaphore", "k8s.io/klog/v2"}},
	"internal/poll":            {},                                                                       // a step on a ticker, its failures said once a run; standard library only
	"internal/lease":           {external: []string{"github.com/jackc/pgx/v5", "golang.org/x/sys/unix"}}, // the writer's lease: a file lock, a PostgreSQL advisory lock
	"internal/store/storetest": {external: []string{"github.com/jackc/pgx/v5"}},
	"internal/store":           {internal: []string{"internal/record", "internal/calendar", "internal/state", "internal/evidence"}, external: []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5", "github.com/pressly/goose/v3"}},
	"internal/accountancy":     {internal: []string{"enrich", "internal/calendar", "internal/record", "internal/state", "internal/input"}, external: []string{"gonum.org/v1/gonum"}},
	"internal/warning":         {internal: []string{"breakout", "internal/accountancy", "internal/agreement", "internal/calendar", "internal/compliance", "internal/input", "internal/state"}},
	"internal/talks":           {internal: []string{"enrich", "breakout", "internal/agreement", "internal/calendar", "internal/state", "internal/input", "internal/warning"}, external: []string{"go.yaml.in/yaml/v3"}},
	"internal/report": {internal: []string{"enrich", "breakout", "internal/agreement", "internal/calendar", "internal/dataset", "internal/state", "internal/compliance", "internal/accountancy", "internal/record", "internal/talks", "internal/warning"},
		external: []string{"gonum.org/v1/plot"}},
	"internal/server": {internal: []string{"enrich", "breakout", "internal/agreement", "internal/calendar", "internal/dataset", "internal/state", "internal/compliance", "internal/record", "internal/report", "internal/talks", "internal/accountancy", "internal/input", "internal/metrics", "internal/warning"},
		external: []string{"golang.org/x/time/rate", "golang.org/x/sync/singleflight"}},
	"internal/app": {internal: []string{"breakout", "examples", "internal/accountancy", "internal/agreement", "internal/calendar", "internal/dataset", "internal/evidence", "internal/input", "internal/keyfile", "internal/lease", "internal/ledger", "internal/metrics", "internal/poll", "internal/record", "internal/server", "internal/state", "internal/store", "internal/talks"},
		external: []string{"filippo.io/age", "github.com/transparency-dev/", "golang.org/x/mod/sumdb/note"}},
	"internal/client": {internal: []string{"internal/keyfile", "internal/record", "internal/server", "internal/talks"}, external: []string{"golang.org/x/mod/sumdb/note"}},
	"cmd/accord":      {internal: []string{"*"}, external: []string{"*"}},
}

// violations returns "pkg imports path" for every import of a package's
// non-test files that its rule does not allow.
func violations(rules map[string]rule, imports map[string][]string) []string {
	var out []string
	for pkg, paths := range imports {
		r, ok := rules[pkg]
		if !ok {
			out = append(out, pkg+" has no row in the dependency rules")
			continue
		}
		for _, p := range paths {
			if !allowed(r, p) {
				out = append(out, pkg+" imports "+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func allowed(r rule, path string) bool {
	if rel, ok := strings.CutPrefix(path, module+"/"); ok {
		return slices.Contains(r.internal, "*") || slices.Contains(r.internal, rel)
	}
	first, _, _ := strings.Cut(path, "/")
	if !strings.Contains(first, ".") {
		return true // standard library
	}
	for _, prefix := range r.external {
		if prefix == "*" || path == prefix || strings.HasPrefix(path, strings.TrimSuffix(prefix, "/")+"/") {
			return true
		}
	}
	return false
}

// moduleImports parses the imports of every non-test Go file of the module.
func moduleImports(t *testing.T) map[string][]string {
	t.Helper()
	imports := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !slices.Contains(imports[pkg], p) {
				imports[pkg] = append(imports[pkg], p)
			}
		}
		if _, ok := imports[pkg]; !ok {
			imports[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return imports
}

func TestPackagesImportOnlyWithinTheirRow(t *testing.T) {
	imports := moduleImports(t)
	for _, pkg := range []string{"enrich", "breakout", "cmd/accord"} {
		if _, ok := imports[pkg]; !ok {
			t.Fatalf("package %s not found: is the test run from the module root?", pkg)
		}
	}
	for _, v := range violations(rules, imports) {
		t.Error(v)
	}
}

// The checker itself catches each kind of violation.
func TestViolationsAreCaught(t *testing.T) {
	got := violations(rules, map[string][]string{
		"enrich":          {"math", "go.yaml.in/yaml/v3"},
		"breakout":        {module + "/internal/ledger", module + "/enrich"},
		"internal/store":  {module + "/internal/ledger", "modernc.org/sqlite"},
		"internal/server": {module + "/internal/store"},
		"internal/util":   {"fmt"},
		"cmd/accord":      {module + "/internal/store", "github.com/spf13/cobra"},
	})
	want := []string{
		"breakout imports " + module + "/internal/ledger",
		"enrich imports go.yaml.in/yaml/v3",
		"internal/server imports " + module + "/internal/store",
		"internal/store imports " + module + "/internal/ledger",
		"internal/util has no row in the dependency rules",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// docs/architecture.md's table names every package with the module
// packages it imports, as the code does.
func TestArchitectureTableMatchesTheCode(t *testing.T) {
	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) != 3 || !strings.HasPrefix(cells[0], "| `") {
			continue
		}
		pkg := strings.Trim(strings.TrimPrefix(cells[0], "| "), "`")
		var names []string
		deps, _, _ := strings.Cut(strings.TrimSuffix(cells[2], " |"), " (")
		for _, d := range strings.Split(deps, ",") {
			if d = strings.Trim(strings.TrimSpace(d), "`"); d != "" && d != "-" && d != "standard library only" && d != "everything" {
				names = append(names, d)
			}
		}
		slices.Sort(names)
		rows[pkg] = names
	}
	for pkg, paths := range moduleImports(t) {
		if pkg == "." || pkg == "examples" || pkg == "internal/store/storetest" || pkg == "cmd/accord" {
			continue
		}
		got, ok := rows[pkg]
		if !ok {
			t.Errorf("docs/architecture.md has no row for %s", pkg)
			continue
		}
		var want []string
		for _, p := range paths {
			if rel, ok := strings.CutPrefix(p, module+"/"); ok {
				want = append(want, strings.TrimPrefix(rel, "internal/"))
			}
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("docs/architecture.md: %s imports %v, the code %v", pkg, got, want)
		}
	}
}
