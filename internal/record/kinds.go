package record

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	f_note "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
)

// Kind is the kind of a record.
type Kind string

// The record kinds.
const (
	Genesis                Kind = "genesis"
	Declaration            Kind = "declaration"
	InspectionFinding      Kind = "inspection_finding"
	VerifiedInventory      Kind = "verified_inventory"
	VerifiedFacts          Kind = "verified_facts"
	CentrifugeInstallation Kind = "centrifuge_installation"
	MonitoringEvent        Kind = "monitoring_event"
	AccessRequest          Kind = "access_request"
	AccessResponse         Kind = "access_response"
	Notification           Kind = "notification"
	ReliefAction           Kind = "relief_action"
	TalksCommitment        Kind = "talks_commitment"
	KeyRegistration        Kind = "key_registration"
	KeyRevocation          Kind = "key_revocation"
	// Sealed hides another kind's content from all but its recipients.
	Sealed Kind = "sealed"
	// Material accountancy.
	MaterialBalanceArea Kind = "material_balance_area"
	InventoryChange     Kind = "inventory_change"
	PhysicalInventory   Kind = "physical_inventory"
	MaterialBalance     Kind = "material_balance"
	Measurement         Kind = "measurement"
)

// Roles a party's key can hold.
const (
	RoleInspectorate = "inspectorate"
	RoleState        = "state"
	RoleParty        = "party"
	RoleMediator     = "mediator"
	RoleObserver     = "observer"
	RoleOperator     = "log-operator"
)

// Roles lists every role.
var Roles = []string{RoleInspectorate, RoleState, RoleParty, RoleMediator, RoleObserver, RoleOperator}

// TalksPartyRoles are the roles of the keys with which a party sits in a
// mediated talks room (the mediator's is RoleMediator): those that sign
// a party's talks commitments.
var TalksPartyRoles = []string{RoleState, RoleParty}

type kindSpec struct {
	// roles may author the kind.
	roles []string
	// body is a pointer to a new body value, decoded strictly and then
	// validated.
	body func() validator
	// needsRef: the kind must reference an earlier record.
	needsRef bool
}

type validator interface{ validate() error }

var allRoles = []string{RoleInspectorate, RoleState, RoleParty, RoleMediator, RoleObserver, RoleOperator}

var kinds = map[Kind]kindSpec{
	Genesis:                {roles: []string{RoleOperator}, body: func() validator { return new(GenesisBody) }},
	Declaration:            {roles: []string{RoleState}, body: func() validator { return new(DeclarationBody) }},
	InspectionFinding:      {roles: []string{RoleInspectorate}, body: func() validator { return new(FindingBody) }},
	VerifiedInventory:      {roles: []string{RoleInspectorate}, body: func() validator { return new(InventoryBody) }},
	VerifiedFacts:          {roles: []string{RoleInspectorate}, body: func() validator { return new(FactsBody) }},
	CentrifugeInstallation: {roles: []string{RoleState, RoleInspectorate}, body: func() validator { return new(CentrifugeBody) }},
	MonitoringEvent:        {roles: []string{RoleInspectorate}, body: func() validator { return new(MonitoringBody) }},
	AccessRequest:          {roles: []string{RoleInspectorate}, body: func() validator { return new(AccessRequestBody) }},
	AccessResponse:         {roles: []string{RoleState}, body: func() validator { return new(AccessResponseBody) }, needsRef: true},
	Notification:           {roles: []string{RoleInspectorate, RoleState, RoleParty, RoleMediator}, body: func() validator { return new(NotificationBody) }},
	ReliefAction:           {roles: []string{RoleParty}, body: func() validator { return new(ReliefBody) }},
	TalksCommitment:        {roles: append(slices.Clone(TalksPartyRoles), RoleMediator), body: func() validator { return new(TalksCommitmentBody) }},
	KeyRegistration:        {roles: allRoles, body: func() validator { return new(KeyRegistrationBody) }},
	KeyRevocation:          {roles: allRoles, body: func() validator { return new(KeyRevocationBody) }},
	Sealed:                 {roles: []string{RoleInspectorate, RoleState, RoleParty, RoleMediator}, body: func() validator { return new(SealedBody) }},
	MaterialBalanceArea:    {roles: []string{RoleState}, body: func() validator { return new(MBABody) }},
	InventoryChange:        {roles: []string{RoleState}, body: func() validator { return new(InventoryChangeBody) }},
	PhysicalInventory:      {roles: []string{RoleState}, body: func() validator { return new(PhysicalInventoryBody) }},
	MaterialBalance:        {roles: []string{RoleState}, body: func() validator { return new(MaterialBalanceBody) }},
	Measurement:            {roles: []string{RoleInspectorate}, body: func() validator { return new(MeasurementBody) }},
}

// KindNames lists the kinds, sorted.
func KindNames() []string {
	out := Names(slices.Collect(maps.Keys(kinds)))
	slices.Sort(out)
	return out
}

// Names are the names of the kinds ks, in their order.
func Names(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// MayAuthor reports whether a key of role may sign records of kind k.
func MayAuthor(role string, k Kind) bool { return slices.Contains(kinds[k].roles, role) }

func (spec kindSpec) validate(r *Record) error {
	b := spec.body()
	if !decodeBodyFast(r.Body, b) {
		b = spec.body()
		if err := decodeBodyFull(r.Body, b); err != nil {
			return input.Errorf("body", "%v", err)
		}
	}
	if err := b.validate(); err != nil {
		return input.Prefix("body.", err)
	}
	if spec.needsRef && len(r.Refs) == 0 {
		return input.Errorf("refs", "a %s must reference the record it answers", r.Kind)
	}
	return nil
}

// decodeBodyFull decodes a body strictly with encoding/json.
func decodeBodyFull(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// DecodeBody decodes the body of r into the Go type of its kind.
func DecodeBody[T any](r *Record) (*T, error) {
	var b T
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// firstError returns the first error of a body's checks, given in the
// order its fields are checked; nil when every check passes.
func firstError(checks ...error) error {
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return input.Errorf(field, "is required")
	}
	return nil
}

// Bounds of the numbers of a record body, stated in the schemas too.
// They are far beyond any real figure; a number outside is a typing
// error, or an attempt to break whatever adds the figures up.
const (
	// MaxMassKgU is 100,000 t of uranium: more than the world mines in a
	// year.
	MaxMassKgU = 1e8
	// MaxBalanceKgU bounds the signed lines of a material balance.
	MaxBalanceKgU = 1e9
	// MaxCentrifuges bounds the machines of one type at one site.
	MaxCentrifuges = 1_000_000
	// MaxWitnesses bounds a log's witnesses.
	MaxWitnesses = 100
	// MaxFactValue bounds a fact's value, whatever its metric (the largest
	// are masses in kg U).
	MaxFactValue = MaxMassKgU
)

// date checks a date YYYY-MM-DD within calendar.Earliest..Latest.
func date(field, v string) error {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return input.Errorf(field, "must be a date YYYY-MM-DD, got %q", v)
	}
	if _, err := calendar.Parse(v); err != nil {
		return input.Errorf(field, "must be a date within %s..%s, got %q", calendar.Earliest, calendar.Latest, v)
	}
	return nil
}

// instant checks a time, RFC 3339 in the record, within
// calendar.Earliest..Latest.
func instant(field string, t time.Time) error {
	if t.IsZero() {
		return input.Errorf(field, "is required (RFC 3339 time)")
	}
	if err := calendar.CheckRange(t.UTC()); err != nil {
		return input.Errorf(field, "%v, got %s", err, t.Format(time.RFC3339))
	}
	return nil
}

// published checks an optional date of publication: a date, or a month
// YYYY-MM where only the month is known.
func published(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := calendar.ParseMonth(v); err == nil {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return input.Errorf(field, "must be a date YYYY-MM-DD or a month YYYY-MM, got %q", v)
	}
	return date(field, v)
}

func mass(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > MaxMassKgU {
		return input.Errorf(field, "must be a mass in [0, %g] kg U, got %v", MaxMassKgU, v)
	}
	return nil
}

func assay(field string, v float64) error {
	if !(v > 0 && v < 100) {
		return input.Errorf(field, "must be an assay in (0, 100) %%, got %v", v)
	}
	return nil
}

// optionalAssay checks an assay that 0 leaves out.
func optionalAssay(field string, v float64) error {
	if v == 0 {
		return nil
	}
	return assay(field, v)
}

// statuses are the statuses a figure may have (state.Statuses), as the
// record format writes them.
var statuses = func() []string {
	var out []string
	for _, s := range state.Statuses {
		out = append(out, string(s))
	}
	return out
}()

func oneOf(field, v string, allowed ...string) error {
	if !slices.Contains(allowed, v) {
		return input.Errorf(field, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
	return nil
}

// verifierKey checks a note verifier key, "name+hash+base64".
func verifierKey(field, v string) error {
	if _, err := note.NewVerifier(v); err != nil {
		return input.Errorf(field, "not a note verifier key: %v", err)
	}
	return nil
}

// GenesisBody founds a log: its origin, parties, their keys and roles, the
// operator's key, and the witnesses whose cosignatures a checkpoint needs.
type GenesisBody struct {
	Origin    string         `json:"origin" jsonschema:"minLength=1"`
	Agreement string         `json:"agreement,omitempty"`
	Members   []Member       `json:"members" jsonschema:"minItems=1"`
	Witnesses []WitnessEntry `json:"witnesses" jsonschema:"maxItems=100"`
	// WitnessesRequired is how many of Witnesses must cosign a checkpoint
	// before it is published (the log's policy).
	WitnessesRequired int `json:"witnesses_required" jsonschema:"minimum=0,maximum=100"`
	// Confidential are the kinds this log accepts only sealed to their
	// recipients (see Seal): every member copies the log, so what only
	// some may read must be encrypted in it.
	Confidential []Kind `json:"confidential,omitempty"`
}

// Member is a key of a party with its role.
type Member struct {
	Party string `json:"party" jsonschema:"minLength=1"`
	Role  string `json:"role" jsonschema:"enum=inspectorate,enum=state,enum=party,enum=mediator,enum=observer,enum=log-operator"`
	// Key is the note verifier key, "name+hash+base64".
	Key string `json:"key" jsonschema:"minLength=1"`
	// Recipient is the key's encryption key (an age X25519 recipient,
	// "age1..."): what records sealed to the party are encrypted to.
	Recipient string `json:"recipient,omitempty" jsonschema:"pattern=^age1[02-9ac-hj-np-z]{58}$"`
}

// WitnessEntry is a witness of the log.
type WitnessEntry struct {
	Party string `json:"party" jsonschema:"minLength=1"`
	// Key is the witness's note verifier key.
	Key string `json:"key"`
	// URL is where the witness answers add-checkpoint requests.
	URL string `json:"url,omitempty"`
}

func (b *GenesisBody) validate() error {
	if err := required("origin", b.Origin); err != nil {
		return err
	}
	operators := 0
	for i, m := range b.Members {
		f := fmt.Sprintf("members[%d]", i)
		if err := firstError(required(f+".party", m.Party), oneOf(f+".role", m.Role, Roles...), verifierKey(f+".key", m.Key), recipient(f+".recipient", m.Recipient)); err != nil {
			return err
		}
		if m.Role == RoleOperator {
			operators++
		}
	}
	if operators == 0 {
		return input.Errorf("members", "must include the log operator's key (role %s)", RoleOperator)
	}
	for i, w := range b.Witnesses {
		if _, err := f_note.NewVerifierForCosignatureV1(w.Key); err != nil {
			return input.Errorf(fmt.Sprintf("witnesses[%d].key", i), "not an Ed25519 verifier key (cosignature type 0x04, or note type 0x01): %v", err)
		}
	}
	if len(b.Witnesses) > MaxWitnesses {
		return input.Errorf("witnesses", "must be at most %d, got %d", MaxWitnesses, len(b.Witnesses))
	}
	if b.WitnessesRequired < 0 || b.WitnessesRequired > len(b.Witnesses) {
		return input.Errorf("witnesses_required", "must be in [0, %d], got %d", len(b.Witnesses), b.WitnessesRequired)
	}
	for i, k := range b.Confidential {
		if !sealable(k) {
			return input.Errorf(fmt.Sprintf("confidential[%d]", i), "%q is not a kind that can be sealed (one of %s, except genesis and the key records)", k, strings.Join(KindNames(), ", "))
		}
	}
	return nil
}

// DeclarationBody is a state's declaration.
type DeclarationBody struct {
	Site      string         `json:"site" jsonschema:"minLength=1"`
	Statement string         `json:"statement" jsonschema:"minLength=1"`
	Items     []MaterialItem `json:"items,omitempty"`
}

// MaterialItem is a declared quantity of nuclear material.
type MaterialItem struct {
	Material string  `json:"material" jsonschema:"minLength=1"`
	MassKgU  float64 `json:"mass_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	AssayPct float64 `json:"assay_pct" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=100"`
}

func (b *DeclarationBody) validate() error {
	if err := firstError(required("site", b.Site), required("statement", b.Statement)); err != nil {
		return err
	}
	for i, it := range b.Items {
		f := fmt.Sprintf("items[%d]", i)
		if err := firstError(required(f+".material", it.Material), mass(f+".mass_kg_u", it.MassKgU), assay(f+".assay_pct", it.AssayPct)); err != nil {
			return err
		}
	}
	return nil
}

// FindingBody is an inspection finding.
type FindingBody struct {
	Site    string `json:"site" jsonschema:"minLength=1"`
	Date    string `json:"date" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	Finding string `json:"finding" jsonschema:"minLength=1"`
	Verdict string `json:"verdict" jsonschema:"enum=consistent,enum=discrepancy,enum=anomaly,enum=unresolved"`
}

func (b *FindingBody) validate() error {
	return firstError(required("site", b.Site), date("date", b.Date), required("finding", b.Finding),
		oneOf("verdict", b.Verdict, "consistent", "discrepancy", "anomaly", "unresolved"))
}

// InventoryBody is an inventory verified by the inspectorate.
type InventoryBody struct {
	AsOf     string           `json:"as_of" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	TotalKgU float64          `json:"total_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	Levels   []InventoryLevel `json:"levels,omitempty"`
	Source   string           `json:"source" jsonschema:"minLength=1"`
}

// InventoryLevel is the stock up to one enrichment level.
type InventoryLevel struct {
	MaxAssayPct float64 `json:"max_assay_pct" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=100"`
	MassKgU     float64 `json:"mass_kg_u" jsonschema:"minimum=0,maximum=100000000"`
}

func (b *InventoryBody) validate() error {
	if err := firstError(date("as_of", b.AsOf), mass("total_kg_u", b.TotalKgU)); err != nil {
		return err
	}
	sum := 0.0
	for i, l := range b.Levels {
		f := fmt.Sprintf("levels[%d]", i)
		if err := firstError(assay(f+".max_assay_pct", l.MaxAssayPct), mass(f+".mass_kg_u", l.MassKgU)); err != nil {
			return err
		}
		sum += l.MassKgU
	}
	if sum > b.TotalKgU*(1+1e-9)+1e-9 {
		return input.Errorf("levels", "add up to %s kg U, more than total_kg_u %g", strconv.FormatFloat(sum, 'f', -1, 32), b.TotalKgU)
	}
	return required("source", b.Source)
}

// FactsBody carries figures the inspectorate verified or reports, each
// with its date, qualifier and status: the form in which the public series
// and its notes are loaded into a log.
type FactsBody struct {
	// Document, when the facts come from a published document (a report
	// of the inspectorate), names it: "IAEA GOV/2024/26". Source is then
	// where its figures were seen, when not in the document itself.
	Document string `json:"document,omitempty"`
	Source   string `json:"source" jsonschema:"minLength=1"`
	// Published, when known, is the date the facts were first published
	// (the document's date): YYYY-MM-DD, or YYYY-MM where only the month
	// is known. A view at an earlier date that takes a figure of an
	// earlier date says that it was not yet published.
	Published string `json:"published,omitempty" jsonschema:"pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"`
	Facts     []Fact `json:"facts" jsonschema:"minItems=1"`
}

// Fact is one figure (see package state for the metrics).
type Fact struct {
	Metric string `json:"metric" jsonschema:"enum=enriched_uranium_kg_u,enum=max_enrichment_pct,enum=centrifuges_installed,enum=centrifuges_enriching,enum=cascades_installed,enum=cascades_enriching,enum=heavy_water_t,enum=verification_access"`
	Date   string `json:"date" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	// DatePrecision, when the date is not the figure's own day, says what
	// it is: "month" (only the month is known; date is its first day) or
	// "no_later_than" (the figure is of that date or earlier: the date of
	// the report that gives it, whose cut-off date is not given). Records
	// written before the field read as of the day.
	DatePrecision string  `json:"date_precision,omitempty" jsonschema:"enum=,enum=month,enum=no_later_than"`
	Site          string  `json:"site,omitempty"`
	Machine       string  `json:"machine,omitempty"`
	LevelPct      float64 `json:"level_pct,omitempty" jsonschema:"minimum=0,exclusiveMaximum=100"`
	AssayPct      float64 `json:"assay_pct,omitempty" jsonschema:"minimum=0,exclusiveMaximum=100"`
	Value         float64 `json:"value" jsonschema:"minimum=0,maximum=100000000"`
	Text          string  `json:"text,omitempty"`
	Qualifier     string  `json:"qualifier,omitempty" jsonschema:"enum=,enum=above,enum=at_least,enum=at_most,enum=approx"`
	// AtLeast, on a figure "up to" its value (qualifier at_most), is the
	// least it can be where the source bounds it from below too: up to
	// 1,724 and at least 332 machines. Absent otherwise.
	AtLeast float64 `json:"at_least,omitempty" jsonschema:"minimum=0,maximum=100000000"`
	Status  string  `json:"status" jsonschema:"enum=sourced,enum=derived,enum=unverified"`
	Note    string  `json:"note,omitempty"`
	// Document and Source, when set, are this fact's, where they are not
	// the body's; so is Published, which the fact then takes from the body
	// only if it gives neither.
	Document  string `json:"document,omitempty"`
	Source    string `json:"source,omitempty"`
	Published string `json:"published,omitempty" jsonschema:"pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"`
}

// FactMetrics are the metrics a fact may carry.
var FactMetrics = func() []string {
	out := make([]string, len(state.Metrics))
	for i, m := range state.Metrics {
		out[i] = string(m)
	}
	return out
}()

func (b *FactsBody) validate() error {
	if err := required("source", b.Source); err != nil {
		return err
	}
	if len(b.Facts) == 0 {
		return input.Errorf("facts", "at least one fact is required")
	}
	if err := published("published", b.Published); err != nil {
		return err
	}
	for i, f := range b.Facts {
		p := fmt.Sprintf("facts[%d]", i)
		if err := firstError(oneOf(p+".metric", f.Metric, FactMetrics...), date(p+".date", f.Date), published(p+".published", f.Published),
			datePrecision(p+".date_precision", f.DatePrecision, f.Date)); err != nil {
			return err
		}
		if f.Metric == string(state.VerificationAccess) {
			if err := oneOf(p+".text", f.Text, state.AccessLevels...); err != nil {
				return err
			}
		}
		if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) || f.Value < 0 || f.Value > MaxFactValue {
			return input.Errorf(p+".value", "must be a number in [0, %g], got %v", MaxFactValue, f.Value)
		}
		if err := firstError(optionalAssay(p+".level_pct", f.LevelPct), optionalAssay(p+".assay_pct", f.AssayPct),
			oneOf(p+".qualifier", f.Qualifier, "", "above", "at_least", "at_most", "approx"), oneOf(p+".status", f.Status, statuses...)); err != nil {
			return err
		}
		if f.AtLeast != 0 {
			if f.Qualifier != string(state.AtMost) {
				return input.Errorf(p+".at_least", "a lower bound goes only with qualifier at_most, the upper bound of the same figure")
			}
			if math.IsNaN(f.AtLeast) || !(f.AtLeast > 0 && f.AtLeast < f.Value) {
				return input.Errorf(p+".at_least", "must be above 0 and below the value, %g, got %v", f.Value, f.AtLeast)
			}
		}
	}
	return nil
}

// CentrifugeBody reports the centrifuges of one type at one site.
type CentrifugeBody struct {
	AsOf      string `json:"as_of" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	Site      string `json:"site" jsonschema:"minLength=1"`
	Machine   string `json:"machine" jsonschema:"minLength=1"`
	Installed int    `json:"installed" jsonschema:"minimum=0,maximum=1000000"`
	Enriching int    `json:"enriching" jsonschema:"minimum=0,maximum=1000000"`
}

func (b *CentrifugeBody) validate() error {
	if err := firstError(date("as_of", b.AsOf), required("site", b.Site), required("machine", b.Machine)); err != nil {
		return err
	}
	if b.Installed < 0 || b.Installed > MaxCentrifuges {
		return input.Errorf("installed", "must be in [0, %d], got %d", MaxCentrifuges, b.Installed)
	}
	if b.Enriching < 0 || b.Enriching > b.Installed {
		return input.Errorf("enriching", "must be in [0, installed = %d], got %d", b.Installed, b.Enriching)
	}
	return nil
}

// MonitoringBody is an event of a seal, camera, enrichment monitor or
// heartbeat.
type MonitoringBody struct {
	Site   string `json:"site" jsonschema:"minLength=1"`
	Device string `json:"device" jsonschema:"minLength=1"`
	// Stream is what the device keeps knowledge of: a material stream
	// ("enriched UF6 withdrawal") or an equipment class ("centrifuge
	// rotors and bellows"). Continuity of knowledge is kept per site and
	// stream.
	Stream string    `json:"stream,omitempty"`
	Event  string    `json:"event" jsonschema:"enum=seal_applied,enum=seal_verified,enum=seal_broken,enum=recording_started,enum=recording_stopped,enum=media_retrieved,enum=media_withheld,enum=oem_reading,enum=heartbeat,enum=equipment_removed,enum=equipment_damaged,enum=access_denied,enum=continuity_lost"`
	At     time.Time `json:"at" jsonschema:"pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	// DatePrecision, when at is not the event's own day, says what it is:
	// "month" (only the month is known; at is its first day) or
	// "no_later_than" (the event happened by then: the date of its first
	// report). Records written before the field read as of the day.
	DatePrecision string `json:"date_precision,omitempty" jsonschema:"enum=,enum=month,enum=no_later_than"`
	Detail        string `json:"detail,omitempty"`
	// Published, when the event is taken from a published source (a
	// report, a statement), is the date that source was published: a view
	// at an earlier date does not cite the event. It is not before the
	// event's own date.
	Published string `json:"published,omitempty" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	// Source, for such an event, names the source; Status is how far it
	// is confirmed (sourced when not given: the inspectorate's own
	// observation, or a source that states it).
	Source string `json:"source,omitempty"`
	Status string `json:"status,omitempty" jsonschema:"enum=,enum=sourced,enum=derived,enum=unverified"`
}

// MonitoringEvents are the monitoring event types.
var MonitoringEvents = []string{"seal_applied", "seal_verified", "seal_broken", "recording_started", "recording_stopped",
	"media_retrieved", "media_withheld", "oem_reading", "heartbeat", "equipment_removed", "equipment_damaged", "access_denied", "continuity_lost"}

func (b *MonitoringBody) validate() error {
	if err := firstError(required("site", b.Site), required("device", b.Device)); err != nil {
		return err
	}
	if err := instant("at", b.At); err != nil {
		return err
	}
	if err := datePrecision("date_precision", b.DatePrecision, b.At.UTC().Format(time.DateOnly)); err != nil {
		return err
	}
	if b.Published != "" {
		if err := date("published", b.Published); err != nil {
			return err
		}
		if b.Published < b.At.UTC().Format(time.DateOnly) {
			return input.Errorf("published", "must not be before the event's date %s, got %q", b.At.UTC().Format(time.DateOnly), b.Published)
		}
	}
	if err := oneOf("status", b.Status, append([]string{""}, statuses...)...); err != nil {
		return err
	}
	return oneOf("event", b.Event, MonitoringEvents...)
}

// AccessRequestBody is the inspectorate's request for access to a site.
type AccessRequestBody struct {
	Site        string `json:"site" jsonschema:"minLength=1"`
	Reason      string `json:"reason" jsonschema:"minLength=1"`
	RequestedOn string `json:"requested_on" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
}

func (b *AccessRequestBody) validate() error {
	return firstError(required("site", b.Site), required("reason", b.Reason), date("requested_on", b.RequestedOn))
}

// AccessResponseBody is a state's answer to an access request (in refs).
type AccessResponseBody struct {
	Response string `json:"response" jsonschema:"enum=granted,enum=denied,enum=alternative"`
	On       string `json:"on" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	Detail   string `json:"detail,omitempty"`
}

func (b *AccessResponseBody) validate() error {
	return firstError(oneOf("response", b.Response, "granted", "denied", "alternative"), date("on", b.On))
}

// NotificationBody is a formal notification under the agreement.
type NotificationBody struct {
	Subject   string `json:"subject" jsonschema:"minLength=1"`
	Text      string `json:"text" jsonschema:"minLength=1"`
	Paragraph string `json:"paragraph,omitempty"`
}

func (b *NotificationBody) validate() error {
	return firstError(required("subject", b.Subject), required("text", b.Text))
}

// ReliefBody is an action on a sanctions-relief measure.
type ReliefBody struct {
	Measure   string `json:"measure" jsonschema:"minLength=1"`
	Action    string `json:"action" jsonschema:"enum=lifted,enum=suspended,enum=kept,enum=reimposed"`
	Effective string `json:"effective" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
}

func (b *ReliefBody) validate() error {
	return firstError(required("measure", b.Measure), oneOf("action", b.Action, "lifted", "suspended", "kept", "reimposed"), date("effective", b.Effective))
}

// TalksCommitmentBody commits to private talks content by its salted hash.
type TalksCommitmentBody struct {
	Room   string `json:"room" jsonschema:"minLength=1"`
	SHA256 string `json:"sha256" jsonschema:"pattern=^[0-9a-fA-F]{64}$"`
}

func (b *TalksCommitmentBody) validate() error {
	if err := required("room", b.Room); err != nil {
		return err
	}
	if h, err := hex.DecodeString(b.SHA256); err != nil || len(h) != 32 {
		return input.Errorf("sha256", "must be 64 hex digits, got %q", b.SHA256)
	}
	return nil
}

// KeyRegistrationBody adds a key for the author's party (a rotation when
// Replaces names a key to retire).
type KeyRegistrationBody struct {
	Party    string `json:"party" jsonschema:"minLength=1"`
	Role     string `json:"role" jsonschema:"enum=inspectorate,enum=state,enum=party,enum=mediator,enum=observer,enum=log-operator"`
	Key      string `json:"key" jsonschema:"minLength=1"`
	Replaces string `json:"replaces,omitempty"`
	// Recipient is the new key's encryption key (an age X25519 recipient);
	// it is retired with the key.
	Recipient string `json:"recipient,omitempty" jsonschema:"pattern=^age1[02-9ac-hj-np-z]{58}$"`
}

func (b *KeyRegistrationBody) validate() error {
	return firstError(required("party", b.Party), oneOf("role", b.Role, Roles...), verifierKey("key", b.Key), recipient("recipient", b.Recipient))
}

// recipient checks an optional encryption key.
func recipient(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := ParseRecipient(v); err != nil {
		return input.Errorf(field, "must be an age X25519 recipient (age1...): %v", err)
	}
	return nil
}

// KeyRevocationBody revokes a key of the author's party.
type KeyRevocationBody struct {
	Party  string `json:"party" jsonschema:"minLength=1"`
	Key    string `json:"key" jsonschema:"minLength=1"`
	Reason string `json:"reason" jsonschema:"minLength=1"`
}

func (b *KeyRevocationBody) validate() error {
	return firstError(required("party", b.Party), required("key", b.Key), required("reason", b.Reason))
}

// MBABody declares a material balance area and its key measurement points.
type MBABody struct {
	MBA         string    `json:"mba" jsonschema:"minLength=1"`
	Site        string    `json:"site" jsonschema:"minLength=1"`
	Description string    `json:"description,omitempty"`
	KMPs        []KMPDecl `json:"kmps" jsonschema:"minItems=1"`
}

// KMPDecl is a key measurement point: where material is measured as it
// flows in or out, or is held in inventory, and how.
type KMPDecl struct {
	ID          string `json:"id" jsonschema:"minLength=1"`
	Type        string `json:"type" jsonschema:"enum=input,enum=output,enum=inventory"`
	Method      string `json:"method" jsonschema:"minLength=1"`
	Description string `json:"description,omitempty"`
}

func (b *MBABody) validate() error {
	if err := firstError(required("mba", b.MBA), required("site", b.Site)); err != nil {
		return err
	}
	if len(b.KMPs) == 0 {
		return input.Errorf("kmps", "at least one key measurement point is needed")
	}
	seen := map[string]bool{}
	for i, k := range b.KMPs {
		f := fmt.Sprintf("kmps[%d]", i)
		if err := required(f+".id", k.ID); err != nil {
			return err
		}
		if seen[k.ID] {
			return input.Errorf(f+".id", "%q repeats an earlier KMP", k.ID)
		}
		seen[k.ID] = true
		if err := firstError(oneOf(f+".type", k.Type, "input", "output", "inventory"), required(f+".method", k.Method)); err != nil {
			return err
		}
	}
	return nil
}

// InventoryChangeBody is one line of an inventory change report: a batch
// received into or shipped out of a material balance area.
type InventoryChangeBody struct {
	MBA    string `json:"mba" jsonschema:"minLength=1"`
	KMP    string `json:"kmp" jsonschema:"minLength=1"`
	Batch  string `json:"batch" jsonschema:"minLength=1"`
	Date   string `json:"date" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	Change string `json:"change" jsonschema:"enum=increase,enum=decrease"`
	// MassKgU is the operator's measured mass, AssayPct its assay.
	MassKgU  float64 `json:"mass_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	AssayPct float64 `json:"assay_pct" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=100"`
	// Method names the measurement method; Calibration its calibration
	// period (systematic errors are shared within one).
	Method      string `json:"method" jsonschema:"minLength=1"`
	Calibration string `json:"calibration,omitempty"`
	// ShipperKgU is the shipper's stated mass of a receipt, when it
	// differs from the receiver's measurement (a shipper/receiver
	// difference).
	ShipperKgU  *float64 `json:"shipper_kg_u,omitempty" jsonschema:"minimum=0,maximum=100000000"`
	Counterpart string   `json:"counterpart,omitempty"`
}

func (b *InventoryChangeBody) validate() error {
	if err := firstError(required("mba", b.MBA), required("kmp", b.KMP), required("batch", b.Batch), required("method", b.Method),
		date("date", b.Date), oneOf("change", b.Change, "increase", "decrease"), mass("mass_kg_u", b.MassKgU)); err != nil {
		return err
	}
	if b.ShipperKgU != nil {
		if err := mass("shipper_kg_u", *b.ShipperKgU); err != nil {
			return err
		}
		if b.Change != "increase" {
			return input.Errorf("shipper_kg_u", "is given for receipts (change increase) only")
		}
	}
	return assay("assay_pct", b.AssayPct)
}

// PhysicalInventoryBody is a physical inventory listing: every batch on
// hand in a material balance area at a date.
type PhysicalInventoryBody struct {
	MBA   string          `json:"mba" jsonschema:"minLength=1"`
	Date  string          `json:"date" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	Items []InventoryItem `json:"items"`
}

// InventoryItem is one batch of a physical inventory.
type InventoryItem struct {
	KMP         string  `json:"kmp" jsonschema:"minLength=1"`
	Batch       string  `json:"batch" jsonschema:"minLength=1"`
	MassKgU     float64 `json:"mass_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	AssayPct    float64 `json:"assay_pct" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=100"`
	Method      string  `json:"method" jsonschema:"minLength=1"`
	Calibration string  `json:"calibration,omitempty"`
}

func (b *PhysicalInventoryBody) validate() error {
	if err := firstError(required("mba", b.MBA), date("date", b.Date)); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, it := range b.Items {
		f := fmt.Sprintf("items[%d]", i)
		if err := firstError(required(f+".kmp", it.KMP), required(f+".batch", it.Batch), required(f+".method", it.Method)); err != nil {
			return err
		}
		if seen[it.Batch] {
			return input.Errorf(f+".batch", "%q is listed twice", it.Batch)
		}
		seen[it.Batch] = true
		if err := firstError(mass(f+".mass_kg_u", it.MassKgU), assay(f+".assay_pct", it.AssayPct)); err != nil {
			return err
		}
	}
	return nil
}

// MaterialBalanceBody is the operator's material balance report for one
// period, its lines in the order of INFCIRC/153 para 76(c). The lines must
// add up.
type MaterialBalanceBody struct {
	MBA               string  `json:"mba" jsonschema:"minLength=1"`
	From              string  `json:"from" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	To                string  `json:"to" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	BeginningKgU      float64 `json:"beginning_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	IncreasesKgU      float64 `json:"increases_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	DecreasesKgU      float64 `json:"decreases_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	EndingBookKgU     float64 `json:"ending_book_kg_u" jsonschema:"minimum=-1000000000,maximum=1000000000"`
	SRDKgU            float64 `json:"srd_kg_u" jsonschema:"minimum=-1000000000,maximum=1000000000"`
	AdjustedBookKgU   float64 `json:"adjusted_book_kg_u" jsonschema:"minimum=-1000000000,maximum=1000000000"`
	EndingPhysicalKgU float64 `json:"ending_physical_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	MUFKgU            float64 `json:"muf_kg_u" jsonschema:"minimum=-1000000000,maximum=1000000000"`
}

func (b *MaterialBalanceBody) validate() error {
	if err := firstError(required("mba", b.MBA), date("from", b.From), date("to", b.To)); err != nil {
		return err
	}
	if b.To <= b.From {
		return input.Errorf("to", "must be after from (%s), got %s", b.From, b.To)
	}
	if err := firstError(mass("beginning_kg_u", b.BeginningKgU), mass("increases_kg_u", b.IncreasesKgU), mass("decreases_kg_u", b.DecreasesKgU),
		mass("ending_physical_kg_u", b.EndingPhysicalKgU)); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"ending_book_kg_u", b.EndingBookKgU}, {"srd_kg_u", b.SRDKgU}, {"adjusted_book_kg_u", b.AdjustedBookKgU}, {"muf_kg_u", b.MUFKgU}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || math.Abs(f.v) > MaxBalanceKgU {
			return input.Errorf(f.name, "must be in [%g, %g] kg U, got %v", -MaxBalanceKgU, MaxBalanceKgU, f.v)
		}
	}
	for _, f := range []struct {
		name      string
		got, want float64
		rule      string
	}{
		{"ending_book_kg_u", b.EndingBookKgU, b.BeginningKgU + b.IncreasesKgU - b.DecreasesKgU, "beginning + increases - decreases"},
		{"adjusted_book_kg_u", b.AdjustedBookKgU, b.EndingBookKgU + b.SRDKgU, "ending book + shipper/receiver differences"},
		{"muf_kg_u", b.MUFKgU, b.AdjustedBookKgU - b.EndingPhysicalKgU, "adjusted book - ending physical"},
	} {
		if math.IsNaN(f.got) || math.Abs(f.got-f.want) > 1e-6*math.Max(1, math.Abs(f.want)) {
			return input.Errorf(f.name, "must be %s = %s, got %v", f.rule, strconv.FormatFloat(f.want, 'f', -1, 64), f.got)
		}
	}
	return nil
}

// MeasurementBody is the inspectorate's own measurement of a batch the
// operator declared, with its method and uncertainty: the basis of
// operator-inspector differences.
type MeasurementBody struct {
	MBA     string  `json:"mba" jsonschema:"minLength=1"`
	KMP     string  `json:"kmp" jsonschema:"minLength=1"`
	Batch   string  `json:"batch" jsonschema:"minLength=1"`
	Date    string  `json:"date" jsonschema:"format=date,pattern=^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)-"`
	Method  string  `json:"method" jsonschema:"minLength=1"`
	MassKgU float64 `json:"mass_kg_u" jsonschema:"minimum=0,maximum=100000000"`
	// RandomRSDPct and SystematicRSDPct are the measurement's relative
	// standard uncertainties, percent.
	RandomRSDPct     float64 `json:"random_rsd_pct" jsonschema:"minimum=0,exclusiveMaximum=100"`
	SystematicRSDPct float64 `json:"systematic_rsd_pct" jsonschema:"minimum=0,exclusiveMaximum=100"`
}

func (b *MeasurementBody) validate() error {
	if err := firstError(required("mba", b.MBA), required("kmp", b.KMP), required("batch", b.Batch), required("method", b.Method),
		date("date", b.Date), mass("mass_kg_u", b.MassKgU)); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"random_rsd_pct", b.RandomRSDPct}, {"systematic_rsd_pct", b.SystematicRSDPct}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v >= 100 {
			return input.Errorf(f.name, "must be a percentage in [0, 100), got %v", f.v)
		}
	}
	return nil
}

// datePrecision checks the precision of a date field: one of
// state.DatePrecisions (empty for the day), and for month the month's
// first day.
func datePrecision(field, p, date string) error {
	if !state.DatePrecision(p).Valid() {
		names := make([]string, len(state.DatePrecisions))
		for i, dp := range state.DatePrecisions {
			names[i] = string(dp)
		}
		return oneOf(field, p, names...)
	}
	if p == string(state.MonthOnly) && !strings.HasSuffix(date, "-01") {
		return input.Errorf(field, "month: the date must be the month's first day, got %q", date)
	}
	return nil
}
