package calendar_test

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/accordverify/accord/internal/calendar"
)

func TestDateArithmeticAndEncoding(t *testing.T) {
	d := calendar.MustParse("2025-08-28")
	if got := d.AddDays(30).String(); got != "2025-09-27" {
		t.Errorf("2025-08-28 + 30 days = %s, want 2025-09-27 (UNSCR 2231 snapback)", got)
	}
	if got := calendar.MustParse("2016-01-16").AddYears(15).String(); got != "2031-01-16" {
		t.Errorf("Implementation Day + 15 years = %s", got)
	}
	if n := calendar.MustParse("2015-07-20").DaysUntil(calendar.MustParse("2015-10-18")); n != 90 {
		t.Errorf("UNSCR 2231 to Adoption Day = %d days, want 90", n)
	}
	b, _ := json.Marshal(struct{ D, Z calendar.Date }{D: d})
	if string(b) != `{"D":"2025-08-28","Z":null}` {
		t.Errorf("JSON %s", b)
	}
	var back struct{ D calendar.Date }
	if err := json.Unmarshal([]byte(`{"D":"2016-01-16"}`), &back); err != nil || back.D.String() != "2016-01-16" {
		t.Errorf("JSON round trip: %v %v", back.D, err)
	}
	var y struct{ D calendar.Date }
	if err := yaml.Unmarshal([]byte("d: 2016-01-16"), &y); err != nil || y.D.String() != "2016-01-16" {
		t.Errorf("YAML: %v %v", y.D, err)
	}
	for _, bad := range []string{"2016-1-16", "16/01/2016", "2016-02-30", "", "0001-01-01", "1944-12-31", "2101-01-01", "9999-12-31"} {
		if _, err := calendar.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// Dates lie within 1945-01-01..2100-12-31, both days included.
func TestDateRange(t *testing.T) {
	for _, ok := range []string{"1945-01-01", "2100-12-31"} {
		if _, err := calendar.Parse(ok); err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		}
	}
	if _, err := calendar.Parse("2101-01-01"); err == nil || !strings.Contains(err.Error(), "1945-01-01..2100-12-31") {
		t.Errorf("the refusal does not state the range: %v", err)
	}
}

// A date in the right form that the calendar lacks says what is wrong
// with it, not that its form is.
func TestParseSaysWhichPartIsWrong(t *testing.T) {
	for in, want := range map[string]string{
		"2025-02-30": `date "2025-02-30": February 2025 has 28 days`,
		"2024-02-30": `date "2024-02-30": February 2024 has 29 days`,
		"2025-04-31": `date "2025-04-31": April 2025 has 30 days`,
		"2025-13-01": `date "2025-13-01": month 13 does not exist (want 01 to 12)`,
		"2025-00-10": `date "2025-00-10": month 0 does not exist (want 01 to 12)`,
		"2025-2-3":   `date "2025-2-3": want YYYY-MM-DD`,
		"tomorrow":   `date "tomorrow": want YYYY-MM-DD`,
		"2025-02-3x": `date "2025-02-3x": want YYYY-MM-DD`,
	} {
		_, err := calendar.Parse(in)
		if err == nil || err.Error() != want {
			t.Errorf("Parse(%q): %v, want %s", in, err, want)
		}
	}
}
