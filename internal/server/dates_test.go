package server_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
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

// The what-if page gives the time to the number of significant quantities
// asked for, not only to the first.
func TestWhatIfGivesTheTimeToTheTarget(t *testing.T) {
	body := page(embeddedServer(), "GET", "/what-if?as_of=2025-02-08&quantity_sq=3", "", nil).Body.String()
	number := func(id string) float64 {
		m := regexp.MustCompile(`id="` + id + `">([0-9.,]+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no %s on the page", id)
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if q := number("result-quantity"); q != 3 {
		t.Errorf("target %g significant quantities, want 3", q)
	}
	if first, target := number("result-central"), number("result-target-days"); !(target > first) {
		t.Errorf("3 significant quantities in %g days, the first in %g", target, first)
	}
}

// The Sources page says how much each date is known, with the key below
// each table: a row without a cut-off date, a fact or a change known only
// to the month.
func TestSourcesSayHowMuchADateIsKnown(t *testing.T) {
	body := page(embeddedServer(), "GET", "/sources", "", nil).Body.String()
	for _, want := range []string{
		"<time>by 2020-09-04</time>",
		"<time>2019-02 (month)</time>",
		"<time>2024-03 (month)</time>",
		"by DATE: the figure is of that date or earlier",
		"YYYY-MM (month): only the month of the change is known",
		// A count bounded both ways says both bounds.
		"&gt;=332, &lt;=1724",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the Sources page lacks %q", want)
		}
	}
	if strings.Contains(body, "<time>2024-03-01</time>") {
		t.Error("the Sources page gives a change known only to its month as its first day")
	}
}

// The agreement page says the procedures' events in words, not as the
// agreement format's kinds.
func TestAgreementPageSaysEventKindsInWords(t *testing.T) {
	body := page(embeddedServer(), "GET", "/agreement", "", nil).Body.String()
	if !strings.Contains(body, "started by an event “access request”") {
		t.Error("the access procedure's trigger is not said in words")
	}
	if strings.Contains(body, "<code>access-request</code>") || strings.Contains(body, "<code>council-vote</code>") {
		t.Error("the agreement page shows event kinds as code")
	}
	// The parties of a reading by their names, not their ids.
	if !strings.Contains(body, "<strong>Iran, Russia, China</strong>") || strings.Contains(body, "<strong>iran, russia, china</strong>") {
		t.Error("the agreement page does not name the parties of a reading")
	}
}

// heavyWaterRange is an Index whose only figure is heavy water reported
// as at least 131 and up to 140 t.
type heavyWaterRange struct{ facts }

func (heavyWaterRange) Facts(context.Context) ([]state.Fact, error) {
	ev := []state.Evidence{{Kind: "record", Ref: "log index 1", Source: "s", Status: state.Sourced}}
	return []state.Fact{{Metric: state.HeavyWaterT, Date: calendar.MustParse("2017-01-10"), Value: 140, Qualifier: state.AtMost, Floor: 131, Status: state.Sourced, Evidence: ev}}, nil
}

// The overview's findings give both bounds of a figure bounded both ways.
func TestOverviewFindingGivesBothBounds(t *testing.T) {
	s := server.New(server.Config{Log: fake{}, Index: heavyWaterRange{}, Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), RatePerSecond: 1e9, Burst: 1e9})
	body := page(s, "GET", "/?as_of=2017-02-01", "", nil).Body.String()
	i := strings.Index(body, `id="finding-heavy-water"`)
	if i < 0 {
		t.Fatal("no heavy-water finding")
	}
	row := body[i:]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `<td class="n">at least 131 and up to 140 t`) || !strings.Contains(row, `class="status breach"`) {
		t.Errorf("the heavy-water finding: %s", row)
	}
}
