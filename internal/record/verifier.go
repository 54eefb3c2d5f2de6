package record

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
	"golang.org/x/mod/sumdb/note"
)

// stdlibRules are the rules crypto/ed25519 verifies by: a small-order or
// non-canonically encoded public key is accepted, S must be below the
// group order, and the check is cofactorless against R's encoding as
// signed. The log's records are checked by these rules, so that every
// auditor, whatever Ed25519 code it runs on Go's rules, accepts exactly
// the records the log accepted. For the same reason signatures are
// checked one at a time: a batch check, at half the cost a signature,
// rests on the cofactored equation and accepts signatures these rules
// refuse (TestBatchVerificationAcceptsWhatTheLogRefuses).
var stdlibRules = &ed25519.Options{Verify: ed25519.VerifyOptionsStdLib}

// keyVerifier checks a registered key's signatures with the key expanded
// once, when it is registered: decoding the key and its multiples for the
// double scalar multiplication is then not repeated for every record.
// It accepts exactly the signatures note.NewVerifier's check accepts.
type keyVerifier struct {
	name string
	hash uint32
	key  *ed25519.ExpandedPublicKey
}

// NewVerifier parses a note verifier key (name+hash+base64 of the
// algorithm byte and the Ed25519 public key) as note.NewVerifier does,
// and returns a verifier with the key expanded: the check the registry,
// and so the log and its auditors, make of a record's signature.
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	// note.NewVerifier accepted the key: three fields, the last one the
	// algorithm byte (1, Ed25519) and 32 bytes of key.
	parts := strings.SplitN(vkey, "+", 3)
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize {
		return nil, fmt.Errorf("key %s: not an Ed25519 verifier key", v.Name())
	}
	x, err := ed25519.NewExpandedPublicKey(ed25519.PublicKey(raw[1:]))
	if err != nil {
		// A key that is no point of the curve verifies nothing, as with
		// crypto/ed25519.
		return v, nil
	}
	return &keyVerifier{name: v.Name(), hash: v.KeyHash(), key: x}, nil
}

func (v *keyVerifier) Name() string    { return v.name }
func (v *keyVerifier) KeyHash() uint32 { return v.hash }

// Verify reports whether sig is the key's signature of msg (the check is
// made where on the stack it is fastest: see placement).
func (v *keyVerifier) Verify(msg, sig []byte) bool {
	return checks.verify(v.key, msg, sig)
}
