package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/report"
)

func renders(t *testing.T, r *report.Report) (md, html string) {
	t.Helper()
	var m, h bytes.Buffer
	if err := r.Markdown(&m, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.HTML(&h, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	return m.String(), h.String()
}

// The table of centrifuges prints each count with its own date, in the
// table (not in a tooltip, which neither a phone nor paper shows), and
// marks a count reported more than two reporting periods before the
// report's date as not current; an unknown total is not "unknown as of"
// the date it was last known on.
func TestCentrifugeCountsSayTheirDate(t *testing.T) {
	r := build(t, "2025-07-01")
	md, html := renders(t, r)
	for _, want := range []string{"| Fordow | IR-6 | 1,724 (2024-08-17, not current) | unknown |", "| Natanz FEP | IR-1 | 5,060 (2021-03-15, not current) |", "| unspecified | IR-6 | ≤ 33 (2019-05-20, not current) |",
		"Not current: reported more than 190 days"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown report lacks %q", want)
		}
	}
	for _, want := range []string{`<td class="n">1,724 (2024-08-17, not current)</td>`, `<td class="n">≤ 33 (2019-05-20, not current)</td>`, `id="centrifuge-key"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(html, `title="as of`) {
		t.Error("the HTML report still dates figures in tooltips")
	}
	for _, bad := range []string{"**unknown** as of", "<strong>unknown</strong> as of"} {
		if strings.Contains(md+html, bad) {
			t.Errorf("the report says %q", bad)
		}
	}
	if !strings.Contains(md, "Total: **unknown**: the inspectorate lost access on 2025-06-13; last reported 9874.9 kg U as of 2025-06-13") {
		t.Error("the Markdown report does not say what was last reported of the unknown total")
	}
	// A count within the reporting interval is current.
	md, _ = renders(t, build(t, "2025-02-08"))
	if !strings.Contains(md, "| Fordow | IR-6 | 1,724 (2024-08-17) | ≤ 1,724 (2024-12-05) |") {
		t.Errorf("a recent count is not shown as current:\n%s", md[strings.Index(md, "## 3."):strings.Index(md, "## 4.")])
	}
}
