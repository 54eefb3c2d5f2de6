package server_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// The overview's summary refers to the report's sections by their number
// ("section 6 gives the status under each reading", "(section 7)"): the
// overview has no numbered sections, so each is named as the report's and
// links to it, at the same date and under the same assumptions.
func TestOverviewLinksTheReportsSections(t *testing.T) {
	s := embeddedServer()
	// After Termination Day the summary points at the readings (section
	// 6); with an estimate, at its sources (section 7).
	for date, n := range map[string]string{"2025-11-01": "6", "2025-02-08": "7"} {
		rec := page(s, "GET", "/?as_of="+date, "", nil)
		if rec.Code != 200 {
			t.Fatalf("overview HTTP %d", rec.Code)
		}
		body := rec.Body.String()
		i, j := strings.Index(body, "<h2>Summary</h2>"), strings.Index(body, "<h2>Stock by enrichment level</h2>")
		if i < 0 || j < i {
			t.Fatal("the overview has no summary")
		}
		summary := body[i:j]
		link := `<a href="/report?as_of=` + date + `&amp;convention=cascades&amp;sq=wgu25#s` + n + `">the report's section ` + n + `</a>`
		if !strings.Contains(summary, link) {
			t.Errorf("%s: the summary has no link %s", date, link)
		}
		if bare := regexp.MustCompile(`section \d`).FindAllString(strings.ReplaceAll(summary, "the report's section", ""), -1); len(bare) > 0 {
			t.Errorf("%s: the summary refers to sections without naming the report's: %q", date, bare)
		}
		// The anchor is the report's own.
		if rep := page(s, "GET", "/report?as_of="+date, "", nil).Body.String(); !strings.Contains(rep, `<h2 id="s`+n+`">`) {
			t.Errorf("the report has no section s%s", n)
		}
	}
}

// A disputed finding on the overview gives each reading once, in its
// list, and keeps of its reason what the list does not say: what the
// parties dispute.
func TestOverviewDisputedReadingsOnce(t *testing.T) {
	s := embeddedServer()
	body := page(s, "GET", "/?as_of=2025-11-01", "", nil).Body.String()
	rows := regexp.MustCompile(`(?s)<tr id="finding-[^"]+">.*?</tr>`).FindAllString(body, -1)
	disputed := 0
	for _, row := range rows {
		if !strings.Contains(row, `<span class="status disputed">`) {
			continue
		}
		disputed++
		text := html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(row, " "))
		for _, m := range regexp.MustCompile(`\(the reading of [^)]+\)`).FindAllString(text, -1) {
			if n := strings.Count(text, m); n != 1 {
				t.Errorf("a disputed finding says %q %d times: %s", m, n, text)
			}
		}
		if !strings.Contains(text, "the parties dispute") {
			t.Errorf("a disputed finding lost what is disputed: %s", text)
		}
	}
	if disputed == 0 {
		t.Fatal("no disputed finding on the overview at 2025-11-01")
	}
}

// Where the levels of an exact total fall short of it (uranium in other
// chemical forms than UF6: at 2021-10-01 the levels sum to 2,372.9 kg U
// of 2,441.3), the overview's table of the stock gives the difference, so
// that it adds up; the trends page has a column for every level the
// series gives (up to 2 % from 2020).
func TestStockTablesAddUp(t *testing.T) {
	s := embeddedServer()
	body := page(s, "GET", "/?as_of=2021-10-01", "", nil).Body.String()
	row := regexp.MustCompile(`(?s)<tr data-level="other">.*?</tr>`).FindString(body)
	if !strings.Contains(row, "other forms or not given by level") || !strings.Contains(row, ">68.4<") || !strings.Contains(row, "derived") {
		t.Errorf("the overview's stock at 2021-10-01 has no row of the other forms of 68.4 kg U: %q", row)
	}
	// No difference where a level is not reported.
	if strings.Contains(page(s, "GET", "/?as_of=2025-07-01", "", nil).Body.String(), `data-level="other"`) {
		t.Error("the overview gives a difference at 2025-07-01, where the levels are not known")
	}
	trends := page(s, "GET", "/trends?as_of=2021-10-01", "", nil).Body.String()
	if !strings.Contains(trends, `<th scope="col" class="n">up to 2 %, kg U</th>`) || !strings.Contains(trends, ">503.8<") {
		t.Error("the trends page's table has no column of the stock up to 2 %")
	}
}
