package state_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/accordverify/accord/internal/state"
)

// An unknown figure is never a number in JSON: "value" and "date" are
// null, and the last figure known before, when there is one, is "last".
// A known figure is written as it always was.
func TestValueJSON(t *testing.T) {
	for _, c := range []struct {
		name string
		v    state.Value
		want string
	}{
		{"known", state.At(facts, day("2020-05-01")).Inventory.Total,
			`{"known":true,"value":202.8,"qualifier":"above","date":"2020-04-01","status":"sourced","evidence":[{"kind":"dataset","ref":"r2","source":"test","status":"sourced"}]}`},
		{"known zero", state.Value{Known: true, Value: 0, Date: day("2020-04-01"), Status: state.Sourced},
			`{"known":true,"value":0,"date":"2020-04-01","status":"sourced"}`},
		{"never reported", state.At(facts, day("2019-01-01")).Inventory.Total,
			`{"known":false,"value":null,"date":null,"unknown":"no report of the stock on or before 2019-01-01"}`},
		{"lost after known", state.At(facts, day("2021-06-01")).Inventory.Total,
			`{"known":false,"value":null,"date":null,"evidence":[{"kind":"dataset","ref":"r2","source":"test","status":"sourced"}],` +
				`"unknown":"the inspectorate lost access on 2021-01-01; last reported more than 202.8 kg U as of 2020-04-01 (sourced)",` +
				`"last":{"value":202.8,"qualifier":"above","date":"2020-04-01","status":"sourced"}}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, b, c.want)
		}
		var back state.Value
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(back, c.v) {
			t.Errorf("%s: read back as %+v, want %+v", c.name, back, c.v)
		}
	}
}

// The state reads back as it was written, at every date, known and
// unknown figures alike.
func TestStateJSONRoundTrip(t *testing.T) {
	for _, d := range []string{"2019-01-01", "2019-07-01", "2020-02-01", "2020-05-01", "2021-06-01"} {
		s := state.At(facts, day(d))
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back state.State
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !reflect.DeepEqual(&back, s) {
			t.Errorf("%s: read back as\n%+v\nwant\n%+v", d, &back, s)
		}
	}
}

// A value written before "last" was, with the last figure as its value,
// reads as that last figure; a value that is known but null, or that has
// both a value and a last figure, is refused.
func TestValueJSONReads(t *testing.T) {
	var v state.Value
	if err := json.Unmarshal([]byte(`{"known":false,"value":9874.9,"date":"2025-06-13","status":"sourced","unknown":"lost"}`), &v); err != nil {
		t.Fatal(err)
	}
	if want := (state.Value{Value: 9874.9, Date: day("2025-06-13"), Status: state.Sourced, Unknown: "lost"}); !reflect.DeepEqual(v, want) {
		t.Errorf("read %+v, want %+v", v, want)
	}
	for _, bad := range []string{
		`{"known":true,"value":null,"date":"2025-06-13"}`,
		`{"known":false,"value":1,"date":null,"last":{"value":1,"date":"2025-06-13"}}`,
		`{"known":true,"value":1,"date":"2025-06-13","last":{"value":1,"date":"2025-06-13"}}`,
	} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s read as %+v, want an error", bad, v)
		}
	}
}
