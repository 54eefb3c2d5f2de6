package record_test

import (
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

// newKey makes a signing key named name and its verifier.
func newKey(tb testing.TB, name string) (note.Signer, note.Verifier) {
	tb.Helper()
	skey, vkey, err1 := note.GenerateKey(rand.Reader, name)
	signer, err2 := note.NewSigner(skey)
	verifier, err3 := note.NewVerifier(vkey)
	if err := errors.Join(err1, err2, err3); err != nil {
		tb.Fatal(err)
	}
	return signer, verifier
}

func TestSignOpenRoundTrip(t *testing.T) {
	signer, verifier := newKey(t, "iaea-2026")
	r, err := record.Parse([]byte(`{"schema":"accord.record/v1","kind":"inspection_finding","id":"f-1","author":"iaea",
		"created":"2026-02-01T10:00:00+01:00","body":{"site":"Natanz FEP","date":"2026-02-01","finding":"seals intact","verdict":"consistent"}}`))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := record.Sign(r, signer)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schema":"accord.record/v1","kind":"inspection_finding","id":"f-1","author":"iaea","created":"2026-02-01T09:00:00Z","body":{"site":"Natanz FEP","date":"2026-02-01","finding":"seals intact","verdict":"consistent"}}` + "\n\n— iaea-2026 "
	if !strings.HasPrefix(string(signed), want) {
		t.Errorf("signed =\n%s\nwant prefix\n%s", signed, want)
	}
	s, err := record.Open(signed, note.VerifierList(verifier))
	if err != nil || s.Record.ID != "f-1" || s.Signer.Name != "iaea-2026" {
		t.Fatalf("Open: %+v, %v", s, err)
	}
	// One changed byte breaks the signature.
	bad := []byte(strings.Replace(string(signed), "intact", "broken", 1))
	if _, err := record.Open(bad, note.VerifierList(verifier)); err == nil {
		t.Error("a changed record opened")
	}
	// An unknown key is a key error.
	_, other, _ := note.GenerateKey(rand.Reader, "other")
	ov, _ := note.NewVerifier(other)
	var ke *record.KeyError
	if _, err := record.Open(signed, note.VerifierList(ov)); !errors.As(err, &ke) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestValidationNamesTheField(t *testing.T) {
	base := `{"schema":"accord.record/v1","kind":"KIND","id":"r-1","author":"iran","created":"2026-02-01T00:00:00Z","body":BODY}`
	cases := []struct{ kind, body, field string }{
		{"declaration", `{"site":"","statement":"x"}`, "body.site"},
		{"declaration", `{"site":"A","statement":"x","items":[{"material":"UF6","mass_kg_u":-1,"assay_pct":60}]}`, "body.items[0].mass_kg_u"},
		{"declaration", `{"site":"A","statement":"x","items":[{"material":"UF6","mass_kg_u":1,"assay_pct":100}]}`, "body.items[0].assay_pct"},
		{"verified_inventory", `{"as_of":"2025-02-08","total_kg_u":100,"levels":[{"max_assay_pct":60,"mass_kg_u":274.8}],"source":"GOV/2025/8"}`, "body.levels"},
		{"verified_inventory", `{"as_of":"08/02/2025","total_kg_u":100,"source":"x"}`, "body.as_of"},
		{"centrifuge_installation", `{"as_of":"2021-03-15","site":"Natanz FEP","machine":"IR-1","installed":10,"enriching":11}`, "body.enriching"},
		{"monitoring_event", `{"site":"A","device":"cam-1","event":"exploded","at":"2026-01-01T00:00:00Z"}`, "body.event"},
		{"monitoring_event", `{"site":"A","device":"cam-1","event":"seal_broken","at":"2026-01-01T00:00:00Z","published":"2026-13-01"}`, "body.published"},
		// A source cannot report an event before it happened.
		{"monitoring_event", `{"site":"A","device":"cam-1","event":"seal_broken","at":"2026-01-02T00:00:00Z","published":"2026-01-01"}`, "body.published"},
		{"access_response", `{"response":"granted","on":"2026-01-02"}`, "refs"},
		{"talks_commitment", `{"room":"muscat","sha256":"abc"}`, "body.sha256"},
		{"key_registration", `{"party":"iran","role":"king","key":"x"}`, "body.role"},
		{"inspection_finding", `{"site":"A","date":"2026-01-01","finding":"x","verdict":"fine"}`, "body.verdict"},
		// How much a date is known: one of the precisions, and a month
		// is written as its first day.
		{"verified_facts", `{"source":"x","facts":[{"metric":"heavy_water_t","date":"2019-02-01","date_precision":"about","value":1,"status":"sourced"}]}`, "body.facts[0].date_precision"},
		{"verified_facts", `{"source":"x","facts":[{"metric":"heavy_water_t","date":"2019-02-14","date_precision":"month","value":1,"status":"sourced"}]}`, "body.facts[0].date_precision"},
		{"monitoring_event", `{"site":"A","device":"cam-1","event":"seal_broken","at":"2026-01-01T00:00:00Z","date_precision":"week"}`, "body.date_precision"},
		// A floor bounds an "up to" figure from below: only with at_most,
		// and below the value.
		{"verified_facts", `{"source":"x","facts":[{"metric":"centrifuges_enriching","date":"2024-12-05","value":1724,"at_least":332,"status":"sourced"}]}`, "body.facts[0].at_least"},
		{"verified_facts", `{"source":"x","facts":[{"metric":"centrifuges_enriching","date":"2024-12-05","value":1724,"qualifier":"at_most","at_least":1724,"status":"sourced"}]}`, "body.facts[0].at_least"},
		{"verified_facts", `{"source":"x","facts":[{"metric":"verification_access","date":"2025-11-12","text":"partial","value":0,"status":"sourced"}]}`, "body.facts[0].text"},
		{"weather_report", `{}`, "kind"},
	}
	for _, c := range cases {
		doc := strings.Replace(strings.Replace(base, "KIND", c.kind, 1), "BODY", c.body, 1)
		_, err := record.Parse([]byte(doc))
		var fe *input.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s %s: got %v, want an error naming %s", c.kind, c.body, err, c.field)
		}
	}
	// A record names earlier records only: never itself.
	finding := strings.Replace(strings.Replace(base, "KIND", "inspection_finding", 1), "BODY", `{"site":"A","date":"2026-01-01","finding":"x","verdict":"compliant"}`, 1)
	for _, c := range []struct{ with, field string }{{`"refs":["r-0","r-1"]`, "refs[1]"}, {`"corrects":"r-1"`, "corrects"}} {
		doc := strings.Replace(finding, `"id":"r-1"`, `"id":"r-1",`+c.with, 1)
		_, err := record.Parse([]byte(doc))
		var fe *input.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: got %v, want an error naming %s", c.with, err, c.field)
		}
	}
	for _, doc := range []string{
		strings.Replace(base, `"id":"r-1"`, `"id":"has space"`, 1),
		strings.Replace(strings.Replace(base, "KIND", "notification", 1), "BODY", `{"subject":"x","text":"y","extra":1}`, 1),
		`{"schema":"accord.record/v2"}`,
	} {
		if _, err := record.Parse([]byte(doc)); err == nil {
			t.Errorf("accepted %s", doc)
		}
	}
}

// Names gives the kinds' names in their order, and KindNames is every
// kind's name, sorted and each once.
func TestKindNames(t *testing.T) {
	if got := record.Names([]record.Kind{record.TalksCommitment, record.Genesis}); !slices.Equal(got, []string{"talks_commitment", "genesis"}) {
		t.Errorf("Names = %q", got)
	}
	all := record.KindNames()
	if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != len(all) || !slices.Contains(all, "genesis") || !slices.Contains(all, "talks_commitment") {
		t.Errorf("KindNames = %q", all)
	}
}
