package record

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// FuzzOpenOneLineAgreesWithNote holds openOneLine to note.Open: what it
// opens, note.Open opens to the same text and signature; a signature it
// finds bad, note.Open refuses with the same error; and every note of one
// line and one signature by a known key that note.Open opens, it opens
// too (so that the log does not fall back to note.Open for its records).
func FuzzOpenOneLineAgreesWithNote(f *testing.F) {
	signer, v := expandedKey(f, "iaea")
	known := note.VerifierList(v)
	other, _ := expandedKey(f, "other")
	sign := func(text string, signers ...note.Signer) []byte {
		b, err := note.Sign(&note.Note{Text: text}, signers...)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	good := sign(`{"id":"f-1","text":"seals intact — ok"}`+"\n", signer)
	f.Add(good)
	f.Add(bytes.Replace(good, []byte("seals"), []byte("Seals"), 1)) // bad signature
	f.Add(sign("two\nlines\n", signer))
	f.Add(sign("one line\n", signer, other))
	f.Add(sign("one line\n", other))
	f.Add(append(bytes.Clone(good), good[len(good)-80:]...))
	f.Add([]byte("{}\n\n— iaea AAAA\n"))
	f.Add([]byte("{}\n\n\n"))
	// A control character, signed by the known key: note.Open refuses it.
	tabSig, _ := signer.Sign([]byte("a\tb\n"))
	f.Add([]byte("a\tb\n\n— iaea " + base64.StdEncoding.EncodeToString(append(binary.BigEndian.AppendUint32(nil, signer.KeyHash()), tabSig...)) + "\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		n, nerr := note.Open(msg, known)
		text, sig, ok, err := openOneLine(msg, known)
		switch {
		case ok && err != nil:
			if nerr == nil || nerr.Error() != err.Error() || !errors.As(nerr, new(*note.InvalidSignatureError)) {
				t.Fatalf("openOneLine: %v; note.Open: %v", err, nerr)
			}
		case ok:
			if nerr != nil {
				t.Fatalf("openOneLine opened a note note.Open refuses: %v", nerr)
			}
			if n.Text != string(text) || len(n.Sigs) != 1 || n.Sigs[0] != sig || len(n.UnverifiedSigs) != 0 {
				t.Fatalf("openOneLine: %q %+v; note.Open: %q %+v %+v", text, sig, n.Text, n.Sigs, n.UnverifiedSigs)
			}
		case nerr == nil && len(n.Sigs) == 1 && len(n.UnverifiedSigs) == 0 &&
			strings.Count(n.Text, "\n") == 1 && bytes.Count(msg, []byte("\n")) == 3:
			t.Fatalf("note.Open opened a note of one line and one signature that openOneLine did not: %q", msg)
		}
	})
}

// expandedKey makes a new key: its signer, and the registry's verifier.
func expandedKey(tb testing.TB, name string) (note.Signer, note.Verifier) {
	tb.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return signer, v
}

// BenchmarkOpen opens a signed inspection finding as the log does for
// every append and the auditor for every entry ("open": signature check,
// note and record parsing, validation), beside the signature check alone
// ("signature"): the difference is what opening costs beyond the check.
func BenchmarkOpen(b *testing.B) {
	signer, v := expandedKey(b, "iaea")
	signed, err := Sign(&Record{Schema: Schema, Kind: InspectionFinding, ID: "bench-1", Author: "iaea",
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
			if _, err := Open(signed, known); err != nil {
				b.Fatal(err)
			}
		}
	})
}
