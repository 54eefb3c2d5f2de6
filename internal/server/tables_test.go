package server_test

import (
	"regexp"
	"strings"
	"testing"
)

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
