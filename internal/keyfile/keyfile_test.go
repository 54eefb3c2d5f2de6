package keyfile_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/keyfile"
)

// Ensure makes a key once and then reads it back; a private key others can
// read is refused, and nothing is overwritten.
func TestEnsureMakesOnceAndGuardsThePrivateKey(t *testing.T) {
	dir := t.TempDir()
	s1, _, v1, err := keyfile.Ensure(dir, "accord.example/jcpoa")
	if err != nil {
		t.Fatal(err)
	}
	s2, _, v2, err := keyfile.Ensure(dir, "accord.example/jcpoa")
	if err != nil || v1 != v2 || s1.KeyHash() != s2.KeyHash() {
		t.Fatalf("second Ensure made another key: %v", err)
	}
	base := keyfile.Base(dir, "accord.example/jcpoa")
	if filepath.Base(base) != "accord.example_jcpoa" {
		t.Errorf("base %s", base)
	}
	if _, _, err := keyfile.Make(dir, "accord.example/jcpoa"); err == nil || !strings.Contains(err.Error(), "never overwritten") {
		t.Errorf("Make over an existing key: %v", err)
	}
	if err := os.Chmod(base+".key", 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := keyfile.LoadSigner(base + ".key"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key was read: %v", err)
	}
}

// A key comes with its encryption key: NAME.age, private, which names its
// public recipient and opens what is sealed to it; an existing key gets
// one on demand.
func TestEncryptionKeyBesideTheSigningKey(t *testing.T) {
	dir := t.TempDir()
	base, _, err := keyfile.Make(dir, "iran")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(base + ".age")
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("NAME.age: %v %v", st, err)
	}
	id, err := keyfile.LoadIdentity(keyfile.IdentityFile(base + ".key"))
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := keyfile.Recipient(base + ".pub")
	if err != nil || rcpt != id.Recipient().String() || !strings.HasPrefix(rcpt, "age1") {
		t.Errorf("recipient %q, %v; identity's %s", rcpt, err, id.Recipient())
	}
	again, err := keyfile.EnsureIdentity(dir, "iran")
	if err != nil || again.String() != id.String() {
		t.Errorf("EnsureIdentity made another key: %v", err)
	}
	if err := os.Chmod(base+".age", 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := keyfile.LoadIdentity(base + ".age"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable encryption key was read: %v", err)
	}
	// A public key file made before encryption keys has no recipient; its
	// verifier key still reads.
	vkey, _, _ := keyfile.LoadVerifier(base + ".pub")
	old := filepath.Join(dir, "old.pub")
	if err := os.WriteFile(old, []byte(vkey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := keyfile.Recipient(old); r != "" || err != nil {
		t.Errorf("a one-line public key file: %q %v", r, err)
	}
	if v, _, err := keyfile.LoadVerifier(base + ".pub"); err != nil || v != vkey || strings.Contains(v, "age1") {
		t.Errorf("the verifier key of a two-line file: %q %v", v, err)
	}
}

// The verifier key derived from a private key is the one made with it.
func TestVerifierKeyOfAPrivateKey(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "witness-us")
	if err != nil {
		t.Fatal(err)
	}
	got, err := keyfile.VerifierKey(skey)
	if err != nil || got != vkey {
		t.Errorf("VerifierKey = %q, %v; want %q", got, err, vkey)
	}
	if _, err := keyfile.VerifierKey(vkey); err == nil {
		t.Error("a public key was taken for a private one")
	}
}
