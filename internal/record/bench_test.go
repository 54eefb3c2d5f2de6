package record_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/record"
)

// BenchmarkOpen opens a signed inspection finding as the log does for
// every append and the auditor for every entry ("open": signature check,
// note and record parsing, validation), beside the signature check alone
// ("signature"): the difference is what opening costs beyond the check.
func BenchmarkOpen(b *testing.B) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "iaea")
	if err != nil {
		b.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		b.Fatal(err)
	}
	v, err := record.NewVerifier(vkey)
	if err != nil {
		b.Fatal(err)
	}
	signed, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: "bench-1", Author: "iaea",
		Created: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Body:    []byte(`{"site":"Natanz FEP","date":"2026-02-01","finding":"seals intact, check 1","verdict":"consistent"}`)}, signer)
	if err != nil {
		b.Fatal(err)
	}
	known := note.VerifierList(v)
	b.Run("signature", func(b *testing.B) {
		text, _, _ := bytes.Cut(signed, []byte("\n\n"))
		msg := signed[:len(text)+1]
		n, err := note.Open(signed, known)
		if err != nil {
			b.Fatal(err)
		}
		sig, err := base64.StdEncoding.DecodeString(n.Sigs[0].Base64)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if !v.Verify(msg, sig[4:]) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := record.Open(signed, known); err != nil {
				b.Fatal(err)
			}
		}
	})
}
