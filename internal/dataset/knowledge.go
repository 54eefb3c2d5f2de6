package dataset

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// The public record of the inspectorate's continuity of knowledge in Iran,
// 2016-2025 (shared reference safeguards-accountancy.md section 4.3), as
// monitoring events: what was in place, when data became recorded but not
// accessible, and when equipment was damaged or removed and knowledge was
// declared lost.
//
// Each event carries the date its source was published (the column
// published): a view at a date takes only the events on the record by then.
// Where the source gives a span of days (statements of 13-23 June 2025) or
// only a month, the date is the span's last day, so that no view cites a
// document before it existed; the NEI Magazine report of the removals of
// 8-9 June 2022 is taken as published on 9 June.
//
// The column date_precision says how much an event's date is known:
// empty for the day; "month" where the source gives only the month (the
// date is then YYYY-MM); "no_later_than" where the date is that of the
// first report of the change, not the change's own day.
//
//go:embed knowledge-events.csv
var knowledgeCSV []byte

// KnowledgeName names the public record in evidence references.
const KnowledgeName = "iaea-iran monitoring"

// KnowledgeEntry is how a reader finds the monitoring event at row of
// the public record: "continuity of knowledge, event 12", the number the
// Sources page gives it.
func KnowledgeEntry(row int) string { return fmt.Sprintf("continuity of knowledge, event %d", row) }

// KnowledgeEvent is one event of the public record.
type KnowledgeEvent struct {
	Date calendar.Date `json:"date"`
	// DatePrecision says how much Date is known (see the column
	// date_precision).
	DatePrecision state.DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Site          string              `json:"site"`
	Stream        string              `json:"stream"`
	Device        string              `json:"device"`
	Event         string              `json:"event"`
	Detail        string              `json:"detail"`
	Evidence      state.Evidence      `json:"evidence"`
}

var knowledgeColumns = []string{"date", "site", "stream", "device", "event", "detail", "source", "status", "published", "date_precision"}

// knowledgeEventKinds are the monitoring events the record may use (those
// of the monitoring_event record kind).
var knowledgeEventKinds = []string{"seal_applied", "seal_verified", "seal_broken", "recording_started", "recording_stopped",
	"media_retrieved", "media_withheld", "oem_reading", "heartbeat", "equipment_removed", "equipment_damaged", "access_denied", "continuity_lost"}

func parseKnowledge() ([]KnowledgeEvent, error) {
	recs, err := csv.NewReader(bytes.NewReader(knowledgeCSV)).ReadAll()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(recs[0], knowledgeColumns) {
		return nil, fmt.Errorf("header must be %v", knowledgeColumns)
	}
	var out []KnowledgeEvent
	for i, rec := range recs[1:] {
		row := i + 2
		fail := func(col, format string, a ...any) error {
			return &RowError{Row: row, Column: col, Rule: fmt.Sprintf(format, a...)}
		}
		precision := state.DatePrecision(rec[9])
		if !precision.Valid() {
			return nil, fail("date_precision", "want empty (the day), month or no_later_than, got %q", rec[9])
		}
		d, err := calendar.Parse(rec[0])
		if precision == state.MonthOnly {
			if d, err = calendar.ParseMonth(rec[0]); err != nil {
				return nil, fail("date", "with date_precision month, want a month YYYY-MM, got %q", rec[0])
			}
		}
		if err != nil {
			return nil, fail("date", "%v", err)
		}
		if !slices.Contains(knowledgeEventKinds, rec[4]) {
			return nil, fail("event", "unknown event %q", rec[4])
		}
		st := state.Status(rec[7])
		if !slices.Contains(state.Statuses, st) {
			return nil, fail("status", "unknown status %q", rec[7])
		}
		published, err := calendar.Parse(rec[8])
		if err != nil {
			return nil, fail("published", "%v", err)
		}
		if published.Before(precision.Latest(d)) {
			return nil, fail("published", "%s is before the event's date %s", published, d)
		}
		for j, col := range []string{"site", "stream", "device", "detail", "source"} {
			if rec[[]int{1, 2, 3, 5, 6}[j]] == "" {
				return nil, fail(col, "is required")
			}
		}
		out = append(out, KnowledgeEvent{Date: d, DatePrecision: precision, Site: rec[1], Stream: rec[2], Device: rec[3], Event: rec[4], Detail: rec[5],
			Evidence: state.Evidence{Kind: "dataset", Ref: fmt.Sprintf("%s event %d", KnowledgeName, row), Entry: KnowledgeEntry(row), Source: rec[6], Status: st, Note: rec[5], Published: published}})
	}
	return out, nil
}
