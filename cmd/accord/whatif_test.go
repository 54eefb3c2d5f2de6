package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/report"
)

// The what-if card words its band of days as the report does: "3.0 to
// 8.7 days" (the band of 2025-02-08), never "3 to 8.7".
func TestWhatIfDaysReadAsTheReport(t *testing.T) {
	_, base := startDemo(t, t.TempDir())
	resp, err := http.Get(base + "/what-if?as_of=2025-02-08")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, id := range []string{"result-p10", "result-p90"} {
		m := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("no %s on the page", id)
		}
		text := string(m[1])
		v, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
		if err != nil || text != report.DayNum(v) {
			t.Errorf("%s reads %q, the report %q", id, text, report.DayNum(v))
		}
	}
}
