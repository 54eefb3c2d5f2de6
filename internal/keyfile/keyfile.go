// Package keyfile reads and writes a party's keys: an Ed25519 signing key
// in the signed-note format, NAME.key (private, mode 0600), and an X25519
// encryption key in age's format, NAME.age (private, mode 0600), which
// opens the records sealed to the party. NAME.pub is what the party shares:
// the verifier key on its first line and the encryption key's recipient
// ("age1...") on its second.
package keyfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
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
	id, err := makeIdentity(base + ".age")
	if err != nil {
		return "", "", err
	}
	if err := WriteNew(base+".pub", []byte(vkey+"\n"+id.Recipient().String()+"\n"), 0o644); err != nil {
		return "", "", err
	}
	return base, vkey, nil
}

// IdentityFile is the encryption key file beside a signing key file:
// NAME.age for NAME.key.
func IdentityFile(keyPath string) string { return strings.TrimSuffix(keyPath, ".key") + ".age" }

func makeIdentity(path string) (*age.X25519Identity, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("# Accord encryption key (age X25519); public key: %s\n%s\n", id.Recipient(), id)
	return id, WriteNew(path, []byte(text), 0o600)
}

// EnsureIdentity returns the encryption key beside the signing key name in
// dir, making it first if it does not exist.
func EnsureIdentity(dir, name string) (*age.X25519Identity, error) {
	path := Base(dir, name) + ".age"
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return makeIdentity(path)
	}
	return LoadIdentity(path)
}

// LoadIdentity reads an encryption key file (NAME.age, or any age X25519
// identity file), refusing one that others can read.
func LoadIdentity(path string) (*age.X25519Identity, error) {
	b, err := readPrivate(path)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			return nil, fmt.Errorf("%s: not an age X25519 identity: %v", path, err)
		}
		return id, nil
	}
	return nil, fmt.Errorf("%s: no identity in the file", path)
}

// Recipient returns the encryption key's recipient from a public key file
// (the line after the verifier key), or "" for a file made before
// encryption keys, which has none.
func Recipient(pubPath string) (string, error) {
	b, err := os.ReadFile(pubPath)
	if err != nil {
		return "", err
	}
	lines := strings.Fields(string(b))
	if len(lines) < 2 {
		return "", nil
	}
	if _, err := age.ParseX25519Recipient(lines[1]); err != nil {
		return "", fmt.Errorf("%s: the second line is not an age recipient: %v", pubPath, err)
	}
	return lines[1], nil
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

// readPrivate reads a private key file, refusing one that others can read.
func readPrivate(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: a private key must be readable by its owner only (mode %04o; run chmod 600 %s)", path, st.Mode().Perm(), path)
	}
	return os.ReadFile(path)
}

// LoadSigner reads a private key file, refusing one that others can read.
func LoadSigner(path string) (note.Signer, string, error) {
	b, err := readPrivate(path)
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

// VerifierKey is the verifier key of a private signing key (as
// note.GenerateKey would have returned it).
func VerifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("not a private signing key")
	}
	k, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(k) != 1+ed25519.SeedSize || k[0] != 1 {
		return "", errors.New("not an Ed25519 private signing key")
	}
	return note.NewEd25519VerifierKey(parts[2], ed25519.NewKeyFromSeed(k[1:]).Public().(ed25519.PublicKey))
}

// LoadVerifier reads a public key file.
func LoadVerifier(path string) (string, note.Verifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	vkey, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	vkey = strings.TrimSpace(vkey)
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return "", nil, fmt.Errorf("%s: not a public key: %v", path, err)
	}
	return vkey, v, nil
}
