package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"filippo.io/age"
	tclient "github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

// OperatorKeys reads the log operator's keys: the signer from its private
// key file, and from the public file beside it (NAME.pub) its verifier key
// and its encryption key's recipient.
func OperatorKeys(keyFile string) (signer note.Signer, vkey, recipient string, err error) {
	if signer, _, err = keyfile.LoadSigner(keyFile); err != nil {
		return nil, "", "", err
	}
	pub := strings.TrimSuffix(keyFile, ".key") + ".pub"
	if vkey, _, err = keyfile.LoadVerifier(pub); err != nil {
		return nil, "", "", fmt.Errorf("the operator's public key is read from %s beside the private key: %w", pub, err)
	}
	recipient, err = keyfile.Recipient(pub)
	return signer, vkey, recipient, err
}

// OperatorIdentity reads the operator's encryption key beside its signing
// key, which lets the server open what is sealed to it (talks commitments,
// to check them); nil when there is none (a key made before encryption
// keys).
func OperatorIdentity(keyFile string) (*age.X25519Identity, error) {
	idFile := keyfile.IdentityFile(keyFile)
	if _, err := os.Stat(idFile); err != nil {
		return nil, nil
	}
	return keyfile.LoadIdentity(idFile)
}

// Member reads a party's public key file (NAME.pub) as a member of a log
// with role: the party's id is the key's name, and the encryption key on
// the file's second line is registered with it.
func Member(role, pubFile string) (record.Member, error) {
	vkey, v, err := keyfile.LoadVerifier(pubFile)
	if err != nil {
		return record.Member{}, err
	}
	rcpt, err := keyfile.Recipient(pubFile)
	if err != nil {
		return record.Member{}, err
	}
	return record.Member{Party: v.Name(), Role: role, Key: vkey, Recipient: rcpt}, nil
}

// Witness reads a witness's public key file as a witness of a log, at
// address u ("": none given).
func Witness(pubFile, u string) (record.WitnessEntry, error) {
	vkey, v, err := keyfile.LoadVerifier(pubFile)
	if err != nil {
		return record.WitnessEntry{}, err
	}
	if u != "" {
		if _, err := url.ParseRequestURI(u); err != nil {
			return record.WitnessEntry{}, fmt.Errorf("bad URL: %v", err)
		}
	}
	ckey, err := ledger.CosignatureKey(vkey)
	if err != nil {
		return record.WitnessEntry{}, err
	}
	return record.WitnessEntry{Party: v.Name(), Key: ckey, URL: u}, nil
}

// TrustKeys say where the trust to check a receipt with comes from: the
// genesis record of the log in Log or, without a log, the operator's
// public key file and the witnesses', Required of which must have cosigned
// (nil: all).
type TrustKeys struct {
	Log, Operator string
	Witnesses     []string
	Required      *int
}

// ErrNoTrust is the error of TrustKeys that name neither a log nor an
// operator's key.
var ErrNoTrust = errors.New("neither a log nor an operator's key to trust")

// Trust is the trust ks name: the log's genesis record's when ks names a
// log, else that of the key files; ErrNoTrust when they name neither.
func Trust(ctx context.Context, ks TrustKeys) (ledger.Trust, error) {
	switch {
	case ks.Log != "":
		return trustFromLog(ctx, ks.Log)
	case ks.Operator != "":
		return trustFromKeys(ks.Operator, ks.Witnesses, ks.Required)
	}
	return ledger.Trust{}, ErrNoTrust
}

// trustFromLog is the trust the genesis record of the log in dir declares.
func trustFromLog(ctx context.Context, dir string) (ledger.Trust, error) {
	g, err := ledger.ReadGenesis(ctx, tclient.FileFetcher{Root: dir})
	if err != nil {
		return ledger.Trust{}, err
	}
	return ledger.TrustFromGenesis(g)
}

// trustFromKeys is the trust of an operator's public key file and
// witnesses' public key files; required is how many witnesses must have
// cosigned (nil: all).
func trustFromKeys(operatorPub string, witnessPubs []string, required *int) (ledger.Trust, error) {
	var trust ledger.Trust
	_, v, err := keyfile.LoadVerifier(operatorPub)
	if err != nil {
		return trust, err
	}
	trust.Operator = v
	for _, w := range witnessPubs {
		vkey, _, err := keyfile.LoadVerifier(w)
		if err != nil {
			return trust, err
		}
		cv, err := ledger.CosignatureVerifier(vkey)
		if err != nil {
			return trust, fmt.Errorf("--witness-key %s: %v", w, err)
		}
		trust.Witnesses = append(trust.Witnesses, cv)
	}
	trust.Required = len(trust.Witnesses)
	if required != nil {
		trust.Required = *required
	}
	return trust, nil
}

// MadeKeys is what MakeKeys made: the files, and the public keys to share.
type MadeKeys struct {
	Key         string `json:"key_file"`
	Identity    string `json:"identity_file"`
	Pub         string `json:"public_file"`
	VerifierKey string `json:"verifier_key"`
	Recipient   string `json:"recipient"`
	// CosignatureKey is the verifier key in the cosignature form, for a
	// witness (with --witness).
	CosignatureKey string `json:"cosignature_key,omitempty"`
}

// MakeKeys makes a party's keys named name in dir: NAME.key (signing),
// NAME.age (encryption), both 0600, and NAME.pub to share. For a witness
// it also gives the verifier key in the form witness policies name.
func MakeKeys(dir, name string, witness bool) (MadeKeys, error) {
	base, vkey, err := keyfile.Make(dir, name)
	if err != nil {
		return MadeKeys{}, err
	}
	rcpt, err := keyfile.Recipient(base + ".pub")
	if err != nil {
		return MadeKeys{}, err
	}
	made := MadeKeys{Key: base + ".key", Identity: base + ".age", Pub: base + ".pub", VerifierKey: vkey, Recipient: rcpt}
	if witness {
		if made.CosignatureKey, err = ledger.CosignatureKey(vkey); err != nil {
			return MadeKeys{}, err
		}
	}
	return made, nil
}

// OperatorConfig is the configuration that opens the log in dir as its
// writer, with the index db and the operator's private key file (and the
// encryption key beside it); witnessURLs override witness addresses of the
// genesis record by name.
func OperatorConfig(dir, db, operatorKey string, witnessURLs map[string]string) (Config, error) {
	op, _, err := keyfile.LoadSigner(operatorKey)
	if err != nil {
		return Config{}, err
	}
	id, err := OperatorIdentity(operatorKey)
	if err != nil {
		return Config{}, err
	}
	return Config{Dir: dir, DB: db, Operator: op, Identity: id, WitnessURLs: witnessURLs}, nil
}
