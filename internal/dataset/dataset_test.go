package dataset_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

// The embedded file is the shared reference, unchanged.
func TestEmbeddedSeriesIsTheReference(t *testing.T) {
	ref, err := os.ReadFile("../../../shared/reference/iaea-iran-enriched-uranium.csv")
	if err != nil {
		t.Skip("shared reference not beside the checkout: ", err)
	}
	var buf bytes.Buffer
	if err := dataset.Embedded().WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	emb, _ := os.ReadFile("iaea-iran-enriched-uranium.csv")
	if !bytes.Equal(emb, ref) {
		t.Error("internal/dataset/iaea-iran-enriched-uranium.csv differs from the shared reference")
	}
	if buf.String() != string(ref) {
		t.Error("WriteCSV does not reproduce the series byte for byte")
	}
}

func TestEmbeddedSeries(t *testing.T) {
	d := dataset.Embedded()
	if len(d.Reports) != 35 {
		t.Errorf("%d reports, want 35", len(d.Reports))
	}
	r := d.ReportAt(calendar.MustParse("2025-02-08"))
	if r == nil || r.Total.KgU != 8294.4 || r.Upto60.KgU != 274.8 || r.Upto60.Status != state.Sourced || r.Upto20.Status != state.Unverified || r.Document != "GOV/2025/8" {
		t.Fatalf("report as of 2025-02-08 = %+v", r)
	}
	// ">202.8" is a lower bound; "~400" is approximate and of low confidence.
	var above, approx *dataset.Report
	for i := range d.Reports {
		switch d.Reports[i].ReportDate {
		case "2019-07-01":
			above = &d.Reports[i]
		case "2025-11":
			approx = &d.Reports[i]
		}
	}
	if above.Total.Qualifier != state.Above || above.Total.KgU != 202.8 {
		t.Errorf("2019-07-01 total = %+v", above.Total)
	}
	if approx.Upto60.Qualifier != state.Approx || approx.Upto60.Status != state.Unverified || approx.Upto60.Code != "L" {
		t.Errorf("2025-11 60 %% = %+v", approx.Upto60)
	}
	// Conflicts are kept as the reference words them.
	var conflicts []string
	for _, r := range d.Reports {
		conflicts = append(conflicts, r.Conflicts...)
	}
	joined := strings.Join(conflicts, "\n")
	for _, want := range []string{"CONFLICT: 60% = 17.7 kg (AFP/Times of Israel) vs 15.5 kg", "ISIS text says 1890 - inconsistent", "disagree"} {
		if !strings.Contains(joined, want) {
			t.Errorf("conflict %q not kept; have:\n%s", want, joined)
		}
	}
	// Whole: a parenthesis is not cut at a ";" inside it, and a sentence
	// of the same clause that records no disagreement is left out.
	for _, want := range []string{
		"LEU stock given as ~10000 kg (EPRS) vs 11500 kg (Kimball/ACA) - disagree, likely UF6 mass",
		"rest <=4.5% = 1251.5 by subtraction (DERIVED; ISIS text says 1890 - inconsistent)",
	} {
		if !slices.Contains(conflicts, want) {
			t.Errorf("conflict %q not kept whole; have:\n%s", want, joined)
		}
	}
	for _, c := range conflicts {
		if strings.Count(c, "(") != strings.Count(c, ")") {
			t.Errorf("a conflict cut inside a parenthesis: %q", c)
		}
	}
	// Rows without a full as-of date say what was used: the report's date
	// at the latest, or the cut-off date a later source quotes from the
	// report, with its words and source.
	for _, r := range d.Reports {
		switch r.ReportDate {
		case "2025-11":
			if r.AsOfPrecision != state.NoLaterThan || !strings.Contains(r.AsOfNote, "is not given") {
				t.Errorf("2025-11 as of %s (%q): %q", r.AsOf, r.AsOfPrecision, r.AsOfNote)
			}
		case "2022-03-03":
			if r.AsOf.String() != "2022-02-19" || r.AsOfPrecision != state.Day || !strings.Contains(r.AsOfNote, "as of Feb. 19") || !strings.Contains(r.AsOfNote, "Arms Control Association, 2022-03-04") {
				t.Errorf("2022-03-03 as of %s (%q): %q", r.AsOf, r.AsOfPrecision, r.AsOfNote)
			}
		}
	}
}

func TestFactsCarryEvidence(t *testing.T) {
	facts := dataset.Embedded().Facts()
	var remainder *state.Fact
	for i, f := range facts {
		if len(f.Evidence) == 0 || f.Evidence[0].Source == "" || f.Status == "" {
			t.Errorf("fact %+v has no evidence or status", f)
		}
		if f.Metric == state.EnrichedUraniumKgU && f.LevelPct == 5 && f.Date == calendar.MustParse("2025-02-08") {
			remainder = &facts[i]
		}
	}
	if remainder == nil || remainder.Value != 7412.8 || remainder.Status != state.Derived {
		t.Errorf("up to 5 %% as of 2025-02-08 = %+v, want 7412.8 derived (8294.4 - 606.8 - 274.8)", remainder)
	}
}

func TestParseNamesRowAndColumn(t *testing.T) {
	header := strings.Join(dataset.Columns, ",") + "\n"
	good := "2025-02-26,GOV/2025/8,UNVERIFIED,2025-02-08,8294.4,H,,,606.8,UNVERIFIED,274.8,H,,AP\n"
	cases := []struct{ body, want string }{
		{good + "2025-05-31,GOV/2025/24,M,2025-05-17,lots,H,,,,,,,,AP\n", "row 3, column total_kgU: want a mass in kg U"},
		{good + "2025-05-31,GOV/2025/24,M,2025-05-17,9247.6,Q,,,,,,,,AP\n", "row 3, column total_status: status must be H, M, L, DERIVED or UNVERIFIED"},
		{"2025-13-01,,n/a,,,,,,,,,,,AP\n", "row 2, column report_date"},
		{"2025-05-31,,n/a,17/05/2025,,,,,,,,,,AP\n", "row 2, column as_of_date"},
		{"2025-05-31,,n/a,2025-05-17,9247.6,H,,,,,,,,\n", "row 2, column source: is required"},
		{"2025-05-31,,n/a,2025-05-17,-1,H,,,,,,,,AP\n", "row 2, column total_kgU"},
		{"2025-05-31,,n/a,2025-05-17\n", "row 2: has 4 columns"},
		{"", "row 2: the series has no rows"},
		{"\"2025-05-31,unterminated\n", "row 2: extraneous or missing \" in quoted-field"}, // found by FuzzParse
	}
	for _, c := range cases {
		_, err := dataset.Parse(strings.NewReader(header+c.body), "mine")
		var re *dataset.RowError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want %q", c.body, err, c.want)
		}
	}
	if _, err := dataset.Parse(strings.NewReader("date,kg\n"), "mine"); err == nil || !strings.Contains(err.Error(), "row 1: header must be") {
		t.Errorf("bad header: %v", err)
	}
	d, err := dataset.Parse(strings.NewReader(header+good), "mine")
	if err != nil || len(d.Facts()) != 4 { // total, 20 %, 60 %, derived up to 5 %
		t.Errorf("good series: %v, %d facts", err, len(d.Facts()))
	}
}

// Evidence names the primary document first and says where it was seen;
// a document symbol the series marks UNVERIFIED is said to be unchecked.
func TestEvidenceCitesTheDocument(t *testing.T) {
	want := map[string]string{
		// A series row whose symbol is unverified.
		"2021-05-22 enriched_uranium_kg_u": "IAEA GOV/2021/28 (symbol not checked against the document), as reported by",
		// A fact from a later report, "DOCUMENT; reported by WHERE", whose
		// symbol only a party's note gives.
		"2025-09-03 verification_access": "IAEA GOV/2025/50 (symbol not checked against the document), as reported by AP and Reuters",
		// The series row of June 2024 (symbol given as checked).
		"2024-05-11 enriched_uranium_kg_u": "IAEA GOV/2024/26, as reported by",
	}
	found := map[string]bool{}
	for _, f := range dataset.Embedded().Facts() {
		k := f.Date.String() + " " + string(f.Metric)
		w, ok := want[k]
		if !ok || found[k] {
			continue
		}
		found[k] = true
		if got := f.Evidence[0].Cited(); !strings.HasPrefix(got, w) {
			t.Errorf("%s cited as %q, want it to start %q", k, got, w)
		}
	}
	for k := range want {
		if !found[k] {
			t.Errorf("no fact %s", k)
		}
	}
}
