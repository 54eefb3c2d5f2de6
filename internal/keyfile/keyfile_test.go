package keyfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
