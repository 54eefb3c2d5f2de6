package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"
)

func newKeygenCmd() *cobra.Command {
	var name, out string
	cmd := &cobra.Command{
		Use:   "keygen --name NAME --out DIR",
		Short: "Make an Ed25519 signing key: NAME.key (mode 0600) and NAME.pub",
		Long: `keygen makes an Ed25519 key in the signed-note format. NAME.key is the
private key, written with mode 0600; NAME.pub the public (verifier) key to
share. Name a party's key after the party (iran, iaea, us); name the log
operator's key after the log's origin (accord.example/jcpoa), since
checkpoints carry the operator key's name as the origin. A "/" in NAME
becomes "_" in the file names.`,
		Example: `  accord keygen --name iaea --out keys
  accord keygen --name accord.example/jcpoa --out keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" || out == "" {
				return usageError{errors.New("--name and --out are required")}
			}
			base, vkey, err := makeKey(out, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s.key (private, 0600)\n%s.pub  %s\n", base, base, vkey)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "key name: the party, or the log's origin for the operator")
	cmd.Flags().StringVar(&out, "out", "", "directory for NAME.key and NAME.pub")
	return cmd
}

// keyBase is where a key's files go: DIR/NAME, a "/" in NAME becoming "_".
func keyBase(dir, name string) string { return filepath.Join(dir, strings.ReplaceAll(name, "/", "_")) }

// makeKey generates a key named name and writes NAME.key (0600) and
// NAME.pub in dir, never overwriting; it returns the files' base path and
// the public key.
func makeKey(dir, name string) (base, vkey string, err error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("--name: %v (a key name has no spaces or '+')", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	base = keyBase(dir, name)
	if err := writeNew(base+".key", []byte(skey+"\n"), 0o600); err != nil {
		return "", "", err
	}
	if err := writeNew(base+".pub", []byte(vkey+"\n"), 0o644); err != nil {
		return "", "", err
	}
	return base, vkey, nil
}

// writeNew creates a file that must not exist yet.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: keygen never overwrites a key", path)
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

// loadSigner reads a private key file, refusing one that others can read.
func loadSigner(path string) (note.Signer, string, error) {
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

// loadVKey reads a public key file.
func loadVKey(path string) (string, note.Verifier, error) {
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
