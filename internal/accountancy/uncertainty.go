package accountancy

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/accordverify/accord/internal/input"
)

// Uncertainty is a measurement method's relative standard uncertainties:
// random (redrawn for every measurement) and systematic (shared within a
// calibration period), as fractions (0.002 is 0.2 %).
type Uncertainty struct {
	Method        string  `json:"method"`
	RandomRSD     float64 `json:"random_rsd"`
	SystematicRSD float64 `json:"systematic_rsd"`
	Note          string  `json:"note,omitempty"`
}

// Table is a user's measurement uncertainties by method.
type Table struct {
	Name    string                 `json:"name"`
	Methods map[string]Uncertainty `json:"methods"`
}

// TableColumns are the CSV columns of an uncertainty table; the RSDs are
// in percent.
var TableColumns = []string{"method", "random_rsd_pct", "systematic_rsd_pct", "note"}

//go:embed example-uncertainties.csv
var exampleCSV []byte

// ExampleName names the shipped example table.
const ExampleName = "EXAMPLE uncertainties (illustrative, not International Target Values)"

// ExampleTable returns the shipped example: round illustrative values for
// weighing and sampling UF6 cylinders and estimating holdup. They are not
// the IAEA's International Target Values (STR-368), whose uranium tables
// the shared reference could not verify; supply your own with
// ParseTable.
func ExampleTable() Table {
	t, err := ParseTable(bytes.NewReader(exampleCSV), ExampleName)
	if err != nil {
		panic("accountancy: the example uncertainty table: " + err.Error())
	}
	return t
}

// LoadTable reads the table in the file at path, or the labelled example
// when path is "".
func LoadTable(path string) (Table, error) {
	if path == "" {
		return ExampleTable(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return Table{}, err
	}
	defer f.Close()
	return ParseTable(f, path)
}

// ParseTable reads a table in the columns of [TableColumns]; errors name
// the row and column.
func ParseTable(r io.Reader, name string) (Table, error) {
	t := Table{Name: name, Methods: map[string]Uncertainty{}}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	recs, err := cr.ReadAll()
	if err != nil {
		return t, fmt.Errorf("uncertainty table %s: %w", name, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], TableColumns) {
		return t, fmt.Errorf("uncertainty table %s: the header must be %s", name, strings.Join(TableColumns, ","))
	}
	for i, rec := range recs[1:] {
		row := i + 2
		u := Uncertainty{Method: strings.TrimSpace(rec[0]), Note: rec[3]}
		if u.Method == "" {
			return t, input.Errorf(fmt.Sprintf("row %d, column method", row), "is required")
		}
		if _, dup := t.Methods[u.Method]; dup {
			return t, input.Errorf(fmt.Sprintf("row %d, column method", row), "%q repeats an earlier row", u.Method)
		}
		for j, dst := range []*float64{&u.RandomRSD, &u.SystematicRSD} {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[1+j]), 64)
			if err != nil || math.IsNaN(v) || v < 0 || v >= 100 {
				return t, input.Errorf(fmt.Sprintf("row %d, column %s", row, TableColumns[1+j]), "must be a percentage in [0, 100), got %q", rec[1+j])
			}
			*dst = v / 100
		}
		t.Methods[u.Method] = u
	}
	return t, nil
}
