package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

// internalWords are what a user must never read: the project's own notes,
// issues and file names stand in for the documents they should cite.
var internalWords = []*regexp.Regexp{
	regexp.MustCompile(`(?i)shared reference`),
	regexp.MustCompile(`(?i)\breference notes?\b|\bthe reference's\b`),
	regexp.MustCompile(`(?i)\bissues? #?\d`),
	regexp.MustCompile(`(?i)facts-from-notes|knowledge-events|iaea-iran-enriched-uranium|enrichment-and-jcpoa|DESIGN\.md|(?:^|[\s/(])jcpoa\.yaml`),
	// "Verified" is the inspectorate's word, never Accord's.
	regexp.MustCompile(`(?i)last verified|verified state|from the verified`),
}

// vocabulary is every status word a user can meet: how a figure is known,
// what a finding says, a dated breakout's status, a warning's, a
// deadline's status and a stream's continuity of knowledge.
func vocabulary() []string {
	var v []string
	for _, t := range report.Provenance {
		v = append(v, t.Word)
	}
	for _, s := range compliance.Statuses {
		v = append(v, string(s))
	}
	v = append(v, compliance.Estimated, compliance.UnknownEstimate, compliance.NotReachable)
	v = append(v, warning.Estimated, warning.UnknownWarning, warning.NoDetection, warning.NotReachable)
	v = append(v, agreement.Pending, agreement.Overdue, agreement.Closed, agreement.Late, agreement.Done, agreement.TookEffect, agreement.Unrecorded)
	return append(v, state.Maintained, state.Escrowed, state.Lost)
}

// The legend and the statuses are one vocabulary: the legend explains
// every finding status, in order.
func TestLegendExplainsEveryStatus(t *testing.T) {
	if len(report.Findings) != len(compliance.Statuses) {
		t.Fatalf("the legend explains %d finding statuses, there are %d", len(report.Findings), len(compliance.Statuses))
	}
	for i, s := range compliance.Statuses {
		if report.Findings[i].Word != string(s) {
			t.Errorf("legend entry %d is %q, status %q", i, report.Findings[i].Word, s)
		}
	}
}

var (
	statusClass = regexp.MustCompile(`class="(?:status|badge|key) ([^"]*)"`)
	demoDates   = []string{"2016-06-01", "2017-05-27", "2019-08-19", "2021-05-01", "2025-02-08", "2025-11-01", "2026-06-01"}
)

// checkWords fails the test for each problem wordProblems finds.
func checkWords(t *testing.T, what string, text []byte) {
	t.Helper()
	for _, p := range wordProblems(text) {
		t.Errorf("%s: %s", what, p)
	}
}

// wordProblems lists what text should not say: an internal word, or, in
// JSON or HTML, a status word outside the vocabulary.
func wordProblems(text []byte) []string {
	var out []string
	for _, re := range internalWords {
		if loc := re.FindIndex(text); loc != nil {
			from, to := max(0, loc[0]-80), min(len(text), loc[1]+80)
			out = append(out, fmt.Sprintf("says %q: …%s…", text[loc[0]:loc[1]], text[from:to]))
		}
	}
	vocab := vocabulary()
	for _, m := range statusClass.FindAllSubmatch(text, -1) {
		if w := string(m[1]); !slices.Contains(vocab, w) {
			out = append(out, fmt.Sprintf("shows the status %q, outside the vocabulary %v", w, vocab))
		}
	}
	var v any
	if json.Unmarshal(text, &v) == nil {
		walkStatuses(v, func(s string) {
			if !slices.Contains(vocab, s) {
				out = append(out, fmt.Sprintf("has \"status\": %q, outside the vocabulary %v", s, vocab))
			}
		})
	}
	return out
}

func walkStatuses(v any, f func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "status" {
				f(s)
			}
			walkStatuses(x, f)
		}
	case []any:
		for _, x := range v {
			walkStatuses(x, f)
		}
	}
}

// Every command's help and output, every page of the demo and the report
// in every format speak the vocabulary and cite documents, never the
// project's own files or issues.
func TestUsersReadNoInternalWords(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command and page (about 20 s); not in -short")
	}
	dir := t.TempDir()

	// Every command's help.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		var out bytes.Buffer
		if code := run(append(path, "--help"), nil, &out, &out); code != 0 {
			t.Errorf("%v --help: exit %d", path, code)
		}
		checkWords(t, "accord "+strings.Join(path, " ")+" --help", out.Bytes())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())

	// Every command that reads the public record, at dates across its
	// history, in text and JSON.
	cmds := [][]string{
		{"timeline"}, {"timeline", "--json"},
		{"clock", "--event", "snapback-notification:2025-08-28", "--at", "2026-06-01"},
		{"clock", "--event", "snapback-notification:2025-08-28", "--at", "2026-06-01", "--json"},
		{"clock", "--event", "dispute:2018-07-04", "--at", "2026-06-01"},
		{"agreement", "show"}, {"agreement", "show", "--json"},
		{"machines"}, {"data"},
		{"knowledge", "--as-of", "2024-06-01"}, {"knowledge", "--as-of", "2026-01-01", "--json"},
		{"simulate", "--log", filepath.Join(dir, "sim"), "--months", "3"},
	}
	for _, d := range demoDates {
		cmds = append(cmds,
			[]string{"status", "--as-of", d, "--samples", "50"}, []string{"status", "--as-of", d, "--json", "--samples", "50"},
			[]string{"breakout", "--as-of", d, "--samples", "50"})
		for _, f := range []string{"md", "html", "json", "csv"} {
			cmds = append(cmds, []string{"report", "--as-of", d, "--format", f, "--samples", "50"})
		}
	}
	for _, args := range cmds {
		var out, errs bytes.Buffer
		if code := run(args, nil, &out, &errs); code != 0 {
			t.Errorf("accord %s: exit %d: %s", strings.Join(args, " "), code, errs.Bytes())
		}
		checkWords(t, "accord "+strings.Join(args, " "), append(out.Bytes(), errs.Bytes()...))
	}

	// Every page of the demo dashboard, signed in and not, and the API's
	// answers of the same figures.
	d, base := startDemoWith(t, app.DemoConfig{Dir: filepath.Join(dir, "demo")})
	token, err := client.ReadToken(context.Background(), base, d.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/", "/trends", "/what-if", "/records", "/records/1", "/records/60", "/agreement", "/report", "/sources",
		"/balance", "/knowledge", "/talks", "/signin", "/api/v1/dataset", "/api/v1/agreements", "/api/v1/timeline",
		"/api/v1/clock?event=snapback-notification:2025-08-28&at=2026-06-01"}
	for _, day := range demoDates {
		pages = append(pages, "/?as_of="+day, "/agreement?as_of="+day, "/knowledge?as_of="+day, "/what-if?as_of="+day,
			"/api/v1/status?samples=50&as_of="+day, "/api/v1/breakout?samples=50&as_of="+day)
		for _, f := range []string{"html", "md", "json", "csv"} {
			pages = append(pages, fmt.Sprintf("/report?as_of=%s&format=%s", day, f))
		}
	}
	// The talks rooms, as a party and as the mediator see them.
	tokens := []string{"", token}
	for _, who := range []string{"us", "oman"} {
		signer := demoSigner(t, filepath.Join(dir, "demo"), who)
		tok, err := client.ReadToken(context.Background(), base, signer)
		if err != nil {
			t.Fatal(err)
		}
		for _, room := range []string{"muscat-2025", "muscat-2025-no-zone", "muscat-2025-live"} {
			for _, p := range []string{"/talks/" + room, "/api/v1/talks/rooms/" + room} {
				checkWords(t, who+" GET "+p, fetch(t, base+p, tok))
			}
		}
	}
	for _, p := range pages {
		for _, tok := range tokens {
			checkWords(t, "GET "+p, fetch(t, base+p, tok))
		}
	}
}

// fetch GETs url with the read token tok ("": none); an answer other than
// 200 fails the test when a token is given, and any server error does.
func fetch(t *testing.T, url, tok string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 || (resp.StatusCode != 200 && tok != "") {
		t.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return b
}

// The check is not blind: each rule catches what it is meant to, and the
// vocabulary passes.
func TestWordProblemsCatches(t *testing.T) {
	for _, bad := range []string{
		"see the shared reference section 6",
		"date from the project's issue 3",
		"row 4 of facts-from-notes",
		"last verified 9874.9 kg U",
		`<span class="status ended">ended</span>`,
		`{"findings": [{"status": "ok"}]}`,
	} {
		if len(wordProblems([]byte(bad))) == 0 {
			t.Errorf("%q passes the check", bad)
		}
	}
	good := `{"status": "disputed", "readings": [{"status": "not-in-force"}], "evidence": [{"status": "sourced"}]} <span class="status took-effect">`
	if p := wordProblems([]byte(good)); len(p) > 0 {
		t.Errorf("the vocabulary is refused: %v", p)
	}
}
