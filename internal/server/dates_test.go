package server_test

import (
	"strings"
	"testing"
)

// The dashboard shows a figure dated by its report (no cut-off date given)
// and a change known only to its month as such, not as exact days.
func TestDashboardSaysHowMuchADateIsKnown(t *testing.T) {
	s := embeddedServer()
	for _, c := range []struct {
		target string
		want   []string
	}{
		{"/?as_of=2018-06-15", []string{"as of <time>2018-05-24 at the latest</time>", "<time>by 2018-05-24</time>, at least 22 days old"}},
		{"/knowledge?as_of=2024-06-01", []string{"since <time>2024-03 (month only)</time>", "from <time>2021-09-08 at the latest</time>"}},
	} {
		rec := page(s, "GET", c.target, "", nil)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: HTTP %d", c.target, rec.Code)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", c.target, w)
			}
		}
	}
}

// The trends page's breaches say how much the date of the figure that
// last showed each is known.
func TestTrendsBreachSaysHowMuchItsLastFigureIsDated(t *testing.T) {
	body := page(embeddedServer(), "GET", "/trends?as_of=2016-12-01", "", nil).Body.String()
	if !strings.Contains(body, "last shown by a figure as of <time>2016-11-09 at the latest</time>") {
		t.Errorf("the heavy water's breach does not say its last figure (130.1 t, of the report of 9 November 2016) is of 2016-11-09 at the latest:\n%s", body)
	}
}
