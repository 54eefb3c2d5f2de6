package record_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/record"
)

var updateSchemas = flag.Bool("update-schemas", false, "rewrite docs/schemas from the Go types")

const schemaDir = "../../docs/schemas"

var bodies = map[record.Kind]any{
	record.Genesis:                record.GenesisBody{},
	record.Declaration:            record.DeclarationBody{},
	record.InspectionFinding:      record.FindingBody{},
	record.VerifiedInventory:      record.InventoryBody{},
	record.VerifiedFacts:          record.FactsBody{},
	record.CentrifugeInstallation: record.CentrifugeBody{},
	record.MonitoringEvent:        record.MonitoringBody{},
	record.AccessRequest:          record.AccessRequestBody{},
	record.AccessResponse:         record.AccessResponseBody{},
	record.Notification:           record.NotificationBody{},
	record.ReliefAction:           record.ReliefBody{},
	record.TalksCommitment:        record.TalksCommitmentBody{},
	record.KeyRegistration:        record.KeyRegistrationBody{},
	record.KeyRevocation:          record.KeyRevocationBody{},
	record.MaterialBalanceArea:    record.MBABody{},
	record.InventoryChange:        record.InventoryChangeBody{},
	record.PhysicalInventory:      record.PhysicalInventoryBody{},
	record.MaterialBalance:        record.MaterialBalanceBody{},
	record.Measurement:            record.MeasurementBody{},
	record.Sealed:                 record.SealedBody{},
}

// schemaFor generates the JSON Schema of a whole record of one kind.
func schemaFor(t *testing.T, kind record.Kind) []byte {
	t.Helper()
	r := &jsonschema.Reflector{DoNotReference: true, AllowAdditionalProperties: false}
	s := r.Reflect(&record.Record{})
	s.ID = jsonschema.ID("https://accord.example/schemas/accord.record/v1/" + string(kind) + ".json")
	s.Title = "Accord record, kind " + string(kind)
	s.Description = "An accord.record/v1 record of kind " + string(kind) + " (docs/formats.md)."
	kindSchema, _ := s.Properties.Get("kind")
	kindSchema.Const = string(kind)
	kindSchema.Type = "string"
	body := r.ReflectFromType(reflect.TypeOf(bodies[kind]))
	body.Version, body.ID = "", ""
	s.Properties.Set("body", body)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestSchemasAreCurrent(t *testing.T) {
	if len(bodies) != len(record.KindNames()) {
		t.Fatalf("%d kinds with schemas, %d kinds", len(bodies), len(record.KindNames()))
	}
	for kind := range bodies {
		want := schemaFor(t, kind)
		path := filepath.Join(schemaDir, string(kind)+".json")
		if *updateSchemas {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not the schema of the Go types (run go test ./internal/record -run TestSchemas -update-schemas): %v", path, err)
		}
	}
}

func compiled(t *testing.T, kind record.Kind) *validator.Schema {
	t.Helper()
	c := validator.NewCompiler()
	c.AssertFormat()
	path, _ := filepath.Abs(filepath.Join(schemaDir, string(kind)+".json"))
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	return s
}

// The schemas and the Go validation agree: valid records pass both,
// invalid ones fail both.
func TestSchemasAgreeWithValidation(t *testing.T) {
	env := func(kind, body string) string {
		return `{"schema":"accord.record/v1","kind":"` + kind + `","id":"r-1","author":"iaea","created":"2026-01-01T00:00:00Z","refs":["q-0"],"body":` + body + `}`
	}
	_, vkey, _ := note.GenerateKey(rand.Reader, "iaea")
	cases := []struct {
		kind  record.Kind
		body  string
		valid bool
	}{
		{record.Genesis, `{"origin":"o","members":[{"party":"p","role":"log-operator","key":"` + vkey + `"}],"witnesses":[],"witnesses_required":0}`, true},
		{record.Genesis, `{"origin":"o","members":[{"party":"p","role":"king","key":"` + vkey + `"}],"witnesses":[],"witnesses_required":0}`, false},
		{record.Declaration, `{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":1,"assay_pct":3.67}]}`, true},
		{record.Declaration, `{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":-1,"assay_pct":3.67}]}`, false},
		{record.Declaration, `{"site":"A","statement":"s","items":[{"material":"UF6","mass_kg_u":1,"assay_pct":100}]}`, false},
		{record.InspectionFinding, `{"site":"A","date":"2026-01-01","finding":"f","verdict":"anomaly"}`, true},
		{record.InspectionFinding, `{"site":"A","date":"2026-01-01","finding":"f","verdict":"fine"}`, false},
		{record.InspectionFinding, `{"site":"A","date":"01/01/2026","finding":"f","verdict":"anomaly"}`, false},
		{record.InspectionFinding, `{"site":"A","date":"2026-01-01","finding":"f","verdict":"anomaly","extra":1}`, false},
		{record.VerifiedInventory, `{"as_of":"2025-02-08","total_kg_u":8294.4,"levels":[{"max_assay_pct":60,"mass_kg_u":274.8}],"source":"GOV/2025/8"}`, true},
		{record.VerifiedInventory, `{"as_of":"2025-02-08","total_kg_u":8294.4,"source":""}`, false},
		{record.VerifiedFacts, `{"source":"s","facts":[{"metric":"heavy_water_t","date":"2019-05-20","value":125.2,"status":"sourced"}]}`, true},
		{record.VerifiedFacts, `{"source":"s","facts":[{"metric":"purity","date":"2019-05-20","value":1,"status":"sourced"}]}`, false},
		{record.VerifiedFacts, `{"source":"s","facts":[]}`, false},
		{record.VerifiedFacts, `{"document":"IAEA GOV/2025/8","source":"s","published":"2025-02-26","facts":[{"metric":"heavy_water_t","date":"2025-02-08","value":1,"status":"sourced"}]}`, true},
		{record.VerifiedFacts, `{"source":"s","published":"2025-09","facts":[{"metric":"heavy_water_t","date":"2025-06-13","value":1,"status":"sourced","source":"t","published":"2025-06"}]}`, true},
		{record.VerifiedFacts, `{"source":"s","published":"2025-13","facts":[{"metric":"heavy_water_t","date":"2025-06-13","value":1,"status":"sourced"}]}`, false},
		{record.VerifiedFacts, `{"source":"s","published":"26 February 2025","facts":[{"metric":"heavy_water_t","date":"2025-06-13","value":1,"status":"sourced"}]}`, false},
		{record.VerifiedFacts, `{"source":"s","published":"2101-01","facts":[{"metric":"heavy_water_t","date":"2025-06-13","value":1,"status":"sourced"}]}`, false},
		{record.VerifiedFacts, `{"source":"s","facts":[{"metric":"heavy_water_t","date":"2025-06-13","value":1,"status":"sourced","published":"2025-02-32"}]}`, false},
		{record.CentrifugeInstallation, `{"as_of":"2021-03-15","site":"A","machine":"IR-1","installed":10,"enriching":5}`, true},
		{record.CentrifugeInstallation, `{"as_of":"2021-03-15","site":"A","machine":"IR-1","installed":-1,"enriching":0}`, false},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"2026-01-01T00:00:00Z"}`, true},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"exploded","at":"2026-01-01T00:00:00Z"}`, false},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"2026-01-01T00:00:00Z","published":"2026-02-01"}`, true},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"2026-01-01T00:00:00Z","published":"01/02/2026"}`, false},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"2026-01-01T00:00:00Z","published":"2101-01-01"}`, false},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"2026-01-01T00:00:00Z","source":"a report","status":"unverified"}`, true},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"2026-01-01T00:00:00Z","source":"a report","status":"rumoured"}`, false},
		{record.AccessRequest, `{"site":"A","reason":"r","requested_on":"2026-01-01"}`, true},
		{record.AccessResponse, `{"response":"granted","on":"2026-01-02"}`, true},
		{record.AccessResponse, `{"response":"maybe","on":"2026-01-02"}`, false},
		{record.Notification, `{"subject":"s","text":"t"}`, true},
		{record.Notification, `{"subject":"","text":"t"}`, false},
		{record.ReliefAction, `{"measure":"m","action":"reimposed","effective":"2025-09-28"}`, true},
		{record.ReliefAction, `{"measure":"m","action":"forgotten","effective":"2025-09-28"}`, false},
		{record.TalksCommitment, `{"room":"muscat","sha256":"` + strings.Repeat("ab", 32) + `"}`, true},
		{record.TalksCommitment, `{"room":"muscat","sha256":"abc"}`, false},
		{record.KeyRegistration, `{"party":"iaea","role":"inspectorate","key":"` + vkey + `"}`, true},
		{record.KeyRegistration, `{"party":"iaea","role":"emperor","key":"` + vkey + `"}`, false},
		{record.KeyRevocation, `{"party":"iaea","key":"k","reason":"lost"}`, true},
		{record.Sealed, `{"to":["iran","oman"],"age":"` + base64.StdEncoding.EncodeToString([]byte("age-encryption.org/v1\n-> X25519 abc\n")) + `"}`, true},
		{record.Sealed, `{"to":[],"age":"` + base64.StdEncoding.EncodeToString([]byte("age-encryption.org/v1\n")) + `"}`, false},
		{record.Sealed, `{"to":["iran"],"age":"` + base64.StdEncoding.EncodeToString([]byte("plaintext")) + `"}`, false},
		{record.KeyRevocation, `{"party":"iaea","key":"k"}`, false},
		{record.MonitoringEvent, `{"site":"A","device":"c","stream":"heavy water","event":"media_withheld","at":"2026-01-01T00:00:00Z"}`, true},
		{record.MaterialBalanceArea, `{"mba":"FEP","site":"Natanz","kmps":[{"id":"feed","type":"input","method":"weighing"}]}`, true},
		{record.MaterialBalanceArea, `{"mba":"FEP","site":"Natanz","kmps":[{"id":"feed","type":"sideways","method":"weighing"}]}`, false},
		{record.InventoryChange, `{"mba":"FEP","kmp":"feed","batch":"b1","date":"2016-02-01","change":"increase","mass_kg_u":669.2,"assay_pct":0.711,"method":"weighing"}`, true},
		{record.InventoryChange, `{"mba":"FEP","kmp":"feed","batch":"b1","date":"2016-02-01","change":"increase","mass_kg_u":-1,"assay_pct":0.711,"method":"weighing"}`, false},
		{record.PhysicalInventory, `{"mba":"FEP","date":"2016-03-01","items":[{"kmp":"store","batch":"c1","mass_kg_u":150,"assay_pct":3.67,"method":"weighing"}]}`, true},
		{record.PhysicalInventory, `{"mba":"FEP","date":"2016-03-01","items":[{"kmp":"store","batch":"c1","mass_kg_u":150,"assay_pct":0,"method":"weighing"}]}`, false},
		{record.MaterialBalance, `{"mba":"FEP","from":"2016-02-01","to":"2016-03-01","beginning_kg_u":100,"increases_kg_u":50,"decreases_kg_u":40,"ending_book_kg_u":110,"srd_kg_u":0,"adjusted_book_kg_u":110,"ending_physical_kg_u":109,"muf_kg_u":1}`, true},
		{record.MaterialBalance, `{"mba":"FEP","from":"2016-02-01","to":"2016-03-01","beginning_kg_u":-100,"increases_kg_u":50,"decreases_kg_u":40,"ending_book_kg_u":-90,"srd_kg_u":0,"adjusted_book_kg_u":-90,"ending_physical_kg_u":0,"muf_kg_u":-90}`, false},
		{record.Measurement, `{"mba":"FEP","kmp":"store","batch":"c1","date":"2016-03-01","method":"NDA","mass_kg_u":150.2,"random_rsd_pct":0.5,"systematic_rsd_pct":0.2}`, true},
		{record.Measurement, `{"mba":"FEP","kmp":"store","batch":"c1","date":"2016-03-01","method":"NDA","mass_kg_u":150.2,"random_rsd_pct":100,"systematic_rsd_pct":0.2}`, false},
		// Plausible ranges: dates within 1945-2100, masses up to 1e8 kg U,
		// machines up to 1,000,000 of a type at a site.
		{record.VerifiedInventory, `{"as_of":"2025-02-08","total_kg_u":1e308,"source":"s"}`, false},
		{record.VerifiedInventory, `{"as_of":"2025-02-08","total_kg_u":100000000,"source":"s"}`, true},
		{record.VerifiedInventory, `{"as_of":"9999-12-31","total_kg_u":1,"source":"s"}`, false},
		{record.VerifiedInventory, `{"as_of":"1944-12-31","total_kg_u":1,"source":"s"}`, false},
		{record.VerifiedInventory, `{"as_of":"1945-01-01","total_kg_u":1,"source":"s"}`, true},
		{record.InspectionFinding, `{"site":"A","date":"2101-01-01","finding":"f","verdict":"anomaly"}`, false},
		{record.InspectionFinding, `{"site":"A","date":"2100-12-31","finding":"f","verdict":"anomaly"}`, true},
		{record.CentrifugeInstallation, `{"as_of":"2021-03-15","site":"A","machine":"IR-1","installed":1000001,"enriching":0}`, false},
		{record.VerifiedFacts, `{"source":"s","facts":[{"metric":"enriched_uranium_kg_u","date":"2019-05-20","value":1e9,"status":"sourced"}]}`, false},
		{record.VerifiedFacts, `{"source":"s","facts":[{"metric":"enriched_uranium_kg_u","date":"2019-05-20","value":1,"assay_pct":-1,"status":"sourced"}]}`, false},
		{record.MonitoringEvent, `{"site":"A","device":"c","event":"seal_broken","at":"0001-01-01T00:00:00Z"}`, false},
		{record.MaterialBalance, `{"mba":"FEP","from":"2016-02-01","to":"2016-03-01","beginning_kg_u":0,"increases_kg_u":0,"decreases_kg_u":0,"ending_book_kg_u":0,"srd_kg_u":2e9,"adjusted_book_kg_u":2e9,"ending_physical_kg_u":0,"muf_kg_u":2e9}`, false},
	}
	seen := map[record.Kind]bool{}
	for _, c := range cases {
		doc := env(string(c.kind), c.body)
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		schemaErr := compiled(t, c.kind).Validate(v)
		_, goErr := record.Parse([]byte(doc))
		var fe *input.Error
		if goErr != nil && !errors.As(goErr, &fe) && !strings.Contains(goErr.Error(), "unknown field") {
			t.Errorf("%s %s: unexpected Go error %v", c.kind, c.body, goErr)
		}
		if (schemaErr == nil) != c.valid || (goErr == nil) != c.valid {
			t.Errorf("%s %s: schema says %v, Go says %v; want valid=%v", c.kind, c.body, schemaErr, goErr, c.valid)
		}
		if c.valid {
			seen[c.kind] = true
		}
	}
	for kind := range bodies {
		if !seen[kind] {
			t.Errorf("no valid example of %s", kind)
		}
	}
}

// A material balance report whose lines do not add up is refused, naming
// the line and the rule.
func TestMaterialBalanceMustAddUp(t *testing.T) {
	doc := `{"schema":"accord.record/v1","kind":"material_balance","id":"r-1","author":"iran","created":"2026-01-01T00:00:00Z","body":` +
		`{"mba":"FEP","from":"2016-02-01","to":"2016-03-01","beginning_kg_u":100,"increases_kg_u":50,"decreases_kg_u":40,"ending_book_kg_u":110,"srd_kg_u":0,"adjusted_book_kg_u":110,"ending_physical_kg_u":109,"muf_kg_u":2}}`
	_, err := record.Parse([]byte(doc))
	var fe *input.Error
	if !errors.As(err, &fe) || fe.Field != "body.muf_kg_u" || !strings.Contains(fe.Rule, "adjusted book - ending physical = 1") {
		t.Errorf("got %v", err)
	}
}
