// Package keyfile reads and writes Ed25519 keys in the signed-note format:
// NAME.key (private, mode 0600) and NAME.pub (the verifier key to share).
package keyfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Base is where a key's files go: DIR/NAME, a "/" in NAME becoming "_".
func Base(dir, name string) string { return filepath.Join(dir, strings.ReplaceAll(name, "/", "_")) }

// Make generates a key named name and writes NAME.key (0600) and NAME.pub
// in dir, never overwriting; it returns the files' base path and the
// public key.
func Make(dir, name string) (base, vkey string, err error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("--name: %v (a key name has no spaces or '+')", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	base = Base(dir, name)
	if err := WriteNew(base+".key", []byte(skey+"\n"), 0o600); err != nil {
		return "", "", err
	}
	if err := WriteNew(base+".pub", []byte(vkey+"\n"), 0o644); err != nil {
		return "", "", err
	}
	return base, vkey, nil
}

// Ensure returns the signer, private key and public key of the key name in
// dir, making the key first if it does not exist.
func Ensure(dir, name string) (note.Signer, string, string, error) {
	base := Base(dir, name)
	if _, err := os.Stat(base + ".key"); errors.Is(err, os.ErrNotExist) {
		if _, _, err := Make(dir, name); err != nil {
			return nil, "", "", err
		}
	}
	s, skey, err := LoadSigner(base + ".key")
	if err != nil {
		return nil, "", "", err
	}
	vkey, _, err := LoadVerifier(base + ".pub")
	return s, skey, vkey, err
}

// WriteNew creates a file that must not exist yet.
func WriteNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: it is never overwritten", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadSigner reads a private key file, refusing one that others can read.
func LoadSigner(path string) (note.Signer, string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, "", fmt.Errorf("%s: a private key must be readable by its owner only (mode %04o; run chmod 600 %s)", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	skey := strings.TrimSpace(string(b))
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("%s: not a private signing key: %v", path, err)
	}
	return s, skey, nil
}

// LoadVerifier reads a public key file.
func LoadVerifier(path string) (string, note.Verifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	vkey := strings.TrimSpace(string(b))
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return "", nil, fmt.Errorf("%s: not a public key: %v", path, err)
	}
	return vkey, v, nil
}
