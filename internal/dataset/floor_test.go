package dataset

import (
	"errors"
	"testing"
)

// The column at_least gives an "up to" figure the least it can be; on
// any other row, or not below the value, the row is refused, naming the
// column.
func TestNoteFactFloor(t *testing.T) {
	header := "report_date,date,metric,site,machine,value,qualifier,status,note,source,published,date_precision,at_least\n"
	parse := func(row string) (float64, error) {
		saved := notesCSV
		defer func() { notesCSV = saved }()
		notesCSV = []byte(header + row + "\n")
		facts, err := parseNoteFacts(&Dataset{Name: "test"})
		if err != nil {
			return 0, err
		}
		return facts[0].Floor, nil
	}
	if got, err := parse(`,2024-12-05,centrifuges_enriching,Fordow,IR-6,1724,at_most,sourced,"note",source,,,332`); err != nil || got != 332 {
		t.Errorf("floor %g, %v; want 332", got, err)
	}
	if got, err := parse(`,2024-12-05,centrifuges_enriching,Fordow,IR-6,1724,at_most,sourced,"note",source,,,`); err != nil || got != 0 {
		t.Errorf("no floor: %g, %v; want 0", got, err)
	}
	for _, row := range []string{
		`,2024-12-05,centrifuges_enriching,Fordow,IR-6,1724,,sourced,"note",source,,,332`,
		`,2024-12-05,centrifuges_enriching,Fordow,IR-6,1724,at_most,sourced,"note",source,,,1724`,
		`,2024-12-05,centrifuges_enriching,Fordow,IR-6,1724,at_most,sourced,"note",source,,,some`,
	} {
		_, err := parse(row)
		var re *RowError
		if !errors.As(err, &re) || re.Column != "at_least" || re.Row != 2 {
			t.Errorf("%s: %v; want an error of row 2, column at_least", row, err)
		}
	}
}
