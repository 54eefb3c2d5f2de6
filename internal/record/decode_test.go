package record

import (
	"reflect"
	"strings"
	"testing"
)

// fullEnvelope reads a record's envelope as Parse did before its shortcut:
// encoding/json, strictly, then checkStrict.
func fullEnvelope(data []byte) (*Record, error) {
	var r Record
	if err := decodeBodyFull(data, &r); err != nil {
		return nil, err
	}
	if err := checkStrict(data); err != nil {
		return nil, err
	}
	return &r, nil
}

// agree fails t when the shortcut takes data (as a record, and its body as
// every kind's body) but encoding/json reads it differently or refuses it;
// and when Parse and parseFull disagree on the outcome.
func agree(t *testing.T, data []byte) {
	t.Helper()
	if fast, ok := parseFast(data); ok {
		full, err := fullEnvelope(data)
		if err != nil {
			t.Fatalf("the shortcut took %q, encoding/json refuses it: %v", data, err)
		}
		if !reflect.DeepEqual(fast, full) {
			t.Fatalf("%q:\nshortcut  %#v\nencoding/json %#v", data, fast, full)
		}
	}
	for kind, spec := range kinds {
		fast := spec.body()
		if !decodeBodyFast(data, fast) {
			continue
		}
		full := spec.body()
		if err := decodeBodyFull(data, full); err != nil {
			t.Fatalf("the shortcut took %q as a %s body, encoding/json refuses it: %v", data, kind, err)
		}
		if !reflect.DeepEqual(fast, full) {
			t.Fatalf("%q as a %s body:\nshortcut  %#v\nencoding/json %#v", data, kind, fast, full)
		}
	}
	r1, err1 := Parse(data)
	r2, err2 := parseFull(data)
	if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() || !reflect.DeepEqual(r1, r2) {
		t.Fatalf("%q: Parse gives %v, %v; the full path %v, %v", data, r1, err1, r2, err2)
	}
}

const finding = `{"schema":"accord.record/v1","kind":"inspection_finding","id":"f-1","author":"iaea","created":"2026-02-01T10:00:00+01:00","body":{"site":"Natanz FEP","date":"2026-02-01","finding":"seals intact","verdict":"consistent"}}`

// decodeCases are texts at the edges of what the shortcut takes.
var decodeCases = []string{
	finding,
	" \t" + finding + "\r\n",
	finding + "x",
	finding + "{}",
	strings.Replace(finding, `"id"`, `"ID"`, 1),
	strings.Replace(finding, `"id"`, `"i\u0064"`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","id":"f-2"`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":null`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":1`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f\u002d1"`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","refs":[]`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","refs":["a","b"]`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","refs":null`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","refs":["a",1]`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","corrects":"f-0"`, 1),
	strings.Replace(finding, `"id":"f-1"`, `"id":"f-1","extra":1`, 1),
	strings.Replace(finding, `2026-02-01T10:00:00+01:00`, `2026-02-01 10:00:00`, 1),
	strings.Replace(finding, `2026-02-01T10:00:00+01:00`, `2026-02-01T10:00:00.123456789Z`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"Site":"Natanz FEP"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"Natanz FEP","site":"Fordow"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"Natanz FEP","Site":"Fordow"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"Nat\"anz \\ \/ \b\f\n\r\t \u00e9 \u2028 \u0000"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"\ud83d\ude00"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"\ud83d"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"\x"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":"é ü 中"`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, "\"site\":\"a\xffb\"", 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":null`, 1),
	strings.Replace(finding, `"site":"Natanz FEP"`, `"site":{"a":[1,2,{"b":true,"c":false,"d":null}]}`, 1),
	strings.Replace(finding, `"body":{`, `"body": {`, 1),
	strings.Replace(finding, `"body":{`, `"body":[{`, 1) + "]",
	strings.Replace(finding, `"body":{`, `"body":null,"x":{`, 1),
	`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":1,"assay_pct":3.67},{"material":"UF6","mass_kg_u":1,"mass_kg_u":900,"assay_pct":3.67}]}}`,
	`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[]}}`,
	`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":-0,"assay_pct":3.67e0}]}}`,
	`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":1e400,"assay_pct":3}]}}`,
	`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":01,"assay_pct":3}]}}`,
	`{"schema":"accord.record/v1","kind":"declaration","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":"1","assay_pct":3}]}}`,
	`{"schema":"accord.record/v1","kind":"centrifuge_installation","id":"c-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"as_of":"2021-03-15","site":"Natanz FEP","machine":"IR-1","installed":10,"enriching":9}}`,
	`{"schema":"accord.record/v1","kind":"centrifuge_installation","id":"c-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"as_of":"2021-03-15","site":"Natanz FEP","machine":"IR-1","installed":10.0,"enriching":9}}`,
	`{"schema":"accord.record/v1","kind":"centrifuge_installation","id":"c-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"as_of":"2021-03-15","site":"Natanz FEP","machine":"IR-1","installed":99999999999999999999,"enriching":9}}`,
	`{"schema":"accord.record/v1","kind":"inventory_change","id":"c-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"mba":"M","kmp":"K","batch":"B","date":"2026-01-01","change":"receipt","mass_kg_u":1,"assay_pct":3,"method":"weighing","shipper_kg_u":1.5}}`,
	`{"schema":"accord.record/v1","kind":"inventory_change","id":"c-1","author":"iran","created":"2026-01-01T00:00:00Z","body":{"mba":"M","kmp":"K","batch":"B","date":"2026-01-01","change":"receipt","mass_kg_u":1,"assay_pct":3,"method":"weighing","shipper_kg_u":null}}`,
	`{"schema":"accord.record/v1","kind":"monitoring_event","id":"m-1","author":"iaea","created":"2026-01-01T00:00:00Z","body":{"site":"A","device":"cam-1","event":"tamper","at":"2026-01-01T00:00:00Z"}}`,
	`{"schema":"accord.record/v1","kind":"genesis","id":"g","author":"operator","created":"2026-01-01T00:00:00Z","body":{"origin":"o","members":[{"party":"p","role":"log-operator","key":"k"}],"witnesses":[],"witnesses_required":0,"confidential":["sealed"]}}`,
	`{}`,
	`[]`,
	`{"body":{}}`,
	``,
	`{"schema":"accord.record/v1"`,
}

func TestDecodeShortcutAgrees(t *testing.T) {
	// The shortcut takes a plain record and its body, escapes included.
	r, ok := parseFast([]byte(decodeCases[21]))
	if !ok || !decodeBodyFast(r.Body, new(FindingBody)) {
		t.Fatalf("the shortcut gives up on %s", decodeCases[21])
	}
	for _, c := range decodeCases {
		agree(t, []byte(c))
	}
}

// FuzzDecodeAgrees: whatever the shortcut reads, encoding/json reads the
// same way; Parse's outcome is the full path's.
func FuzzDecodeAgrees(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) { agree(t, data) })
}
