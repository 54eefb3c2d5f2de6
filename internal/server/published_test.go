package server_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/server"
)

var tags = regexp.MustCompile(`<[^>]*>`)

// pageText is the text of the element with id on the page at path, or ""
// when there is none.
func pageText(t *testing.T, s *server.Server, path, id string) string {
	t.Helper()
	rec := page(s, "GET", path, "", nil)
	if rec.Code != 200 {
		t.Fatalf("%s: HTTP %d", path, rec.Code)
	}
	m := regexp.MustCompile(`(?s)<p[^>]* id="` + id + `"[^>]*>(.*?)</p>`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		return ""
	}
	return html.UnescapeString(tags.ReplaceAllString(m[1], ""))
}

// The pages take each figure as of the date it refers to, and say where
// its document was published only after the page's date: on 10 February
// 2025 the overview's latest figures (of 8 February) are GOV/2025/8's,
// published on 26 February, and the latest published by then are named;
// its key lists the document; the trends and the report say the same. On
// 15 March 2025 nothing of the kind is said.
func TestPagesSayWhatWasPublishedAfterTheirDate(t *testing.T) {
	s := embeddedServer()

	latest := pageText(t, s, "/?as_of=2025-02-10", "latest-evidence")
	for _, want := range []string{
		"The latest figures on or before 2025-02-10 are of 2025-02-08, 2 days before it, from IAEA GOV/2025/8",
		"published 2025-02-26, after this date [IAEA GOV/2025/8†]",
		"The latest published by then are of 2024-12-05",
		"The latest figure of the stock is of 2025-02-08, 2 days old, published 2025-02-26, after this date",
	} {
		if !strings.Contains(latest, want) {
			t.Errorf("the overview of 2025-02-10 does not say %q:\n%s", want, latest)
		}
	}
	if strings.Contains(latest, "The latest evidence on or before") {
		t.Errorf("the overview of 2025-02-10 calls figures published later the evidence on or before its date:\n%s", latest)
	}
	if key := pageText(t, s, "/?as_of=2025-02-10", "later-key"); !strings.Contains(key, "† Figures as of dates on or before 2025-02-10 from documents published after it: IAEA GOV/2025/8, published 2025-02-26.") {
		t.Errorf("the overview's key: %q", key)
	}
	if key := pageText(t, s, "/trends?as_of=2025-06-20", "later-key"); !strings.Contains(key, "IAEA report of 2025-09, published in September 2025") {
		t.Errorf("the trends' key: %q", key)
	}
	if got := pageText(t, s, "/report?as_of=2025-02-10", "latest-evidence"); !strings.Contains(got, "from IAEA GOV/2025/8 (symbol not checked against the document), as reported by AP (citynews.ca; coastreporter); Iran International, published 2025-02-26, after this date") {
		t.Errorf("the report page: %q", got)
	}

	latest = pageText(t, s, "/?as_of=2025-03-15", "latest-evidence")
	if !strings.HasPrefix(latest, "The latest evidence on or before 2025-03-15 is IAEA GOV/2025/8") || strings.Contains(latest, "after this date") {
		t.Errorf("the overview of 2025-03-15:\n%s", latest)
	}
	if body := page(s, "GET", "/?as_of=2025-03-15", "", nil).Body.String(); strings.Contains(body, `id="later-key"`) || strings.Contains(body, `class="later"`) {
		t.Error("the overview of 2025-03-15 marks a figure as published after its date")
	}
}
