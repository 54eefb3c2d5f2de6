package dataset_test

import (
	"bytes"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/state"
)

// FuzzParse: a series either fails with a row error or gives facts from
// which a state can be derived; CSV export reproduces the input.
func FuzzParse(f *testing.F) {
	var seed bytes.Buffer
	if err := dataset.Embedded().WriteCSV(&seed); err != nil {
		f.Fatal(err)
	}
	f.Add(seed.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := dataset.Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		facts := d.Facts()
		for _, fa := range facts {
			if fa.Value < 0 || len(fa.Evidence) == 0 {
				t.Fatalf("fact %+v", fa)
			}
		}
		state.At(facts, calendar.MustParse("2030-01-01"))
		var buf bytes.Buffer
		if err := d.WriteCSV(&buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
			t.Fatal("CSV export differs from the input")
		}
	})
}
