package record_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/record"
)

// FuzzOpen: arbitrary signed bytes either fail or give a record that
// validates and is signed by the known key.
func FuzzOpen(f *testing.F) {
	signer, v := newKey(f, "iaea")
	r, _ := record.Parse([]byte(`{"schema":"accord.record/v1","kind":"notification","id":"n-1","author":"iaea","created":"2026-01-01T00:00:00Z","body":{"subject":"s","text":"t"}}`))
	signed, _ := record.Sign(r, signer)
	f.Add(signed)
	f.Add([]byte("{}\n\n— iaea AAAA\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := record.Open(data, note.VerifierList(v))
		if err != nil {
			return
		}
		if err := s.Record.Validate(); err != nil || s.Signer.Name != "iaea" {
			t.Fatalf("opened an invalid record: %v", err)
		}
	})
}

// FuzzParse: whatever parses validates, and its canonical form parses to
// the same canonical form.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema":"accord.record/v1","kind":"verified_inventory","id":"i-1","author":"iaea","created":"2025-02-26T00:00:00Z","body":{"as_of":"2025-02-08","total_kg_u":8294.4,"levels":[{"max_assay_pct":60,"mass_kg_u":274.8}],"source":"GOV/2025/8"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := record.Parse(data)
		if err != nil {
			return
		}
		c, err := r.Canonical()
		if err != nil {
			return
		}
		r2, err := record.Parse(c)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, c)
		}
		c2, _ := r2.Canonical()
		if string(c) != string(c2) {
			t.Fatalf("canonical form not stable:\n%s\n%s", c, c2)
		}
	})
}

// FuzzOpenSealed: an arbitrary sealed body either fails to open or gives a
// valid record bound to the sealed record's id and author; it never panics.
func FuzzOpenSealed(f *testing.F) {
	id, _ := age.GenerateX25519Identity()
	body, _ := json.Marshal(record.NotificationBody{Subject: "s", Text: "t"})
	inner := &record.Record{Schema: record.Schema, Kind: record.Notification, ID: "n-1", Author: "iran", Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Body: body}
	sealed, err := record.Seal(inner, []string{"iran"}, []age.Recipient{id.Recipient()})
	if err != nil {
		f.Fatal(err)
	}
	b, _ := record.DecodeBody[record.SealedBody](sealed)
	raw, _ := base64.StdEncoding.DecodeString(b.Age)
	f.Add(raw)
	f.Add([]byte("age-encryption.org/v1\n-> X25519 AAAA\n--- AAAA\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := *sealed
		s.Body, _ = json.Marshal(record.SealedBody{To: []string{"iran"}, Age: base64.StdEncoding.EncodeToString(data)})
		r, err := record.OpenSealed(&s, id)
		if err != nil {
			return
		}
		if r.ID != "n-1" || r.Author != "iran" || r.Validate() != nil {
			t.Fatalf("opened %+v", r)
		}
	})
}
