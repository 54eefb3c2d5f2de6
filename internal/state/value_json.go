package state

import (
	"encoding/json"
	"errors"

	"github.com/accordverify/accord/internal/calendar"
)

// valueJSON is a Value as JSON. A known value is its figure: value, date,
// qualifier, status. An unknown value has a null value and date, the
// reason, and the last figure known before under last (absent when there
// is none): a reader of "value" never takes a figure that is not known at
// the date for one that is, nor "not known" for zero.
type valueJSON struct {
	Known     bool            `json:"known"`
	Value     *float64        `json:"value" jsonschema_description:"The figure at the date; null when it is not known then (never 0 for not known, nor a figure known earlier)."`
	Qualifier Qualifier       `json:"qualifier,omitempty"`
	Floor     float64         `json:"at_least,omitempty" jsonschema_description:"Of a figure given as up to its value, the least it can be where its source bounds it from below too; absent otherwise."`
	Date      calendar.Date   `json:"date" jsonschema_description:"The date of the figure; null when it is not known."`
	Precision DatePrecision   `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than" jsonschema_description:"How much the date is known, when not to the day: month (only the month is known; the date is its first day) or no_later_than (the figure is of that date or earlier)."`
	Status    Status          `json:"status,omitempty"`
	Evidence  []Evidence      `json:"evidence,omitempty"`
	Unknown   string          `json:"unknown,omitempty" jsonschema_description:"Why the figure is not known at the date."`
	Last      *lastFigureJSON `json:"last,omitempty" jsonschema_description:"When the figure is not known at the date, the last one known before, with its date; absent when there was none."`
}

// lastFigureJSON is the last figure known before an unknown value: what was
// known, as of when.
type lastFigureJSON struct {
	Value     float64       `json:"value"`
	Qualifier Qualifier     `json:"qualifier,omitempty"`
	Floor     float64       `json:"at_least,omitempty"`
	Date      calendar.Date `json:"date"`
	Precision DatePrecision `json:"date_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	Status    Status        `json:"status,omitempty"`
}

// MarshalJSON writes a known value as its figure, and an unknown one with
// "value" and "date" null and the last figure known before, if any, as
// "last": {"value", "qualifier", "date", "status"}.
func (v Value) MarshalJSON() ([]byte, error) {
	w := valueJSON{Known: v.Known, Evidence: v.Evidence, Unknown: v.Unknown}
	switch {
	case v.Known:
		x := v.Value
		w.Value, w.Qualifier, w.Floor, w.Date, w.Precision, w.Status = &x, v.Qualifier, v.Floor, v.Date, v.DatePrecision, v.Status
	case !v.Date.IsZero():
		w.Last = &lastFigureJSON{Value: v.Value, Qualifier: v.Qualifier, Floor: v.Floor, Date: v.Date, Precision: v.DatePrecision, Status: v.Status}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes. An unknown value whose
// "value" is a number, as written before "last" was, reads that number
// and its date as the last figure.
func (v *Value) UnmarshalJSON(b []byte) error {
	var w valueJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*v = Value{Known: w.Known, Qualifier: w.Qualifier, Floor: w.Floor, Date: w.Date, DatePrecision: w.Precision, Status: w.Status, Evidence: w.Evidence, Unknown: w.Unknown}
	switch {
	case w.Known && w.Value == nil:
		return errors.New("state: a known value with a null value")
	case w.Last != nil && (w.Known || w.Value != nil):
		return errors.New("state: a value with both a value and a last figure")
	case w.Value != nil:
		v.Value = *w.Value
	case w.Last != nil:
		v.Value, v.Qualifier, v.Floor, v.Date, v.DatePrecision, v.Status = w.Last.Value, w.Last.Qualifier, w.Last.Floor, w.Last.Date, w.Last.Precision, w.Last.Status
	}
	return nil
}

// JSONSchemaAlias gives schema generators (github.com/invopop/jsonschema,
// for the API's OpenAPI document) the shape MarshalJSON writes.
func (Value) JSONSchemaAlias() any { return valueJSON{} }
