package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/input"
)

// Indexed is an accepted record at its log index, with the role of the
// key that signed it: what an index of the log stores.
type Indexed struct {
	Index  uint64
	Signed *Signed
	Role   string
}

// Key is a key in the registry.
type Key struct {
	VKey  string `json:"key"`
	Name  string `json:"name"`
	Party string `json:"party"`
	Role  string `json:"role"`
	// Recipient is the key's encryption key ("": none registered).
	Recipient string `json:"recipient,omitempty"`
	AddedAt   uint64 `json:"added_at"`
	Revoked   bool   `json:"revoked"`
	verifier  note.Verifier
}

// Registry is the key history replayed from the log: the genesis record's
// members, then every registration and revocation, in log order. It
// implements note.Verifiers for the keys it trusts.
type Registry struct {
	genesis *GenesisBody
	keys    []*Key
}

// Clone returns an independent copy, so that one registry can be read
// while a copy is changed.
func (r *Registry) Clone() *Registry {
	c := &Registry{genesis: r.genesis, keys: make([]*Key, len(r.keys))}
	for i, k := range r.keys {
		kc := *k
		c.keys[i] = &kc
	}
	return c
}

// Genesis returns the genesis body, or nil before the genesis record.
func (r *Registry) Genesis() *GenesisBody { return r.genesis }

// Keys returns every key ever registered, revoked ones included.
func (r *Registry) Keys() []Key {
	out := make([]Key, len(r.keys))
	for i, k := range r.keys {
		out[i] = *k
	}
	return out
}

func (r *Registry) find(name string, hash uint32) *Key {
	for _, k := range r.keys {
		if k.verifier.Name() == name && k.verifier.KeyHash() == hash {
			return k
		}
	}
	return nil
}

func (r *Registry) findVKey(vkey string) *Key {
	for _, k := range r.keys {
		if k.VKey == vkey {
			return k
		}
	}
	return nil
}

// KeyFor returns the registered key that made a signature, or nil.
func (r *Registry) KeyFor(sig note.Signature) *Key {
	if k := r.find(sig.Name, sig.Hash); k != nil {
		c := *k
		return &c
	}
	return nil
}

// Verifier implements note.Verifiers: a registered key that is not revoked.
func (r *Registry) Verifier(name string, hash uint32) (note.Verifier, error) {
	k := r.find(name, hash)
	if k == nil {
		return nil, &note.UnknownVerifierError{Name: name, KeyHash: hash}
	}
	if k.Revoked {
		return nil, &KeyError{Key: name, Reason: "revoked"}
	}
	return k.verifier, nil
}

func (r *Registry) add(vkey, party, role, recipient string, index uint64) error {
	v, err := NewVerifier(vkey)
	if err != nil {
		return err
	}
	if r.find(v.Name(), v.KeyHash()) != nil {
		return &KeyError{Key: v.Name(), Reason: "already registered"}
	}
	r.keys = append(r.keys, &Key{VKey: vkey, Name: v.Name(), Party: party, Role: role, Recipient: recipient, AddedAt: index, verifier: v})
	return nil
}

// Check verifies the signed bytes of the entry at index against the
// registry and the rules of its kind, without changing the registry. The
// entry at index 0 must be the genesis record, signed by the operator key
// it names; every later record must be signed by one trusted, unrevoked
// key of its author's party whose role may author its kind.
func (r *Registry) Check(entry []byte, index uint64) (*Signed, *Key, error) {
	if r.genesis == nil {
		if index != 0 {
			return nil, nil, errors.New("registry: no genesis record")
		}
		return r.checkGenesis(entry)
	}
	s, err := Open(entry, r)
	if err != nil {
		return nil, nil, err
	}
	rec := s.Record
	k := r.find(s.Signer.Name, s.Signer.Hash)
	if k.Party != rec.Author {
		return nil, nil, &KeyError{Key: k.Name, Reason: fmt.Sprintf("belongs to party %q, not to the author %q", k.Party, rec.Author)}
	}
	if !MayAuthor(k.Role, rec.Kind) {
		return nil, nil, &KeyError{Key: k.Name, Reason: fmt.Sprintf("has role %s, which may not sign a %s", k.Role, rec.Kind)}
	}
	if r.genesis.IsConfidential(rec.Kind) {
		return nil, nil, input.Errorf("kind", "%s records are confidential in this log: seal them to their recipients (a sealed record)", rec.Kind)
	}
	switch rec.Kind {
	case Genesis:
		return nil, nil, input.Errorf("kind", "a genesis record is only valid at index 0")
	case Sealed:
		b, _ := DecodeBody[SealedBody](rec)
		if _, err := r.Recipients(b.To); err != nil {
			return nil, nil, input.Prefix("body.", err)
		}
	case KeyRegistration:
		b, _ := DecodeBody[KeyRegistrationBody](rec)
		if b.Party != rec.Author {
			return nil, nil, input.Errorf("body.party", "a party registers only its own keys: %q is not the author %q", b.Party, rec.Author)
		}
		if !r.partyHasRole(b.Party, b.Role) {
			return nil, nil, input.Errorf("body.role", "party %q holds no %s key; a registration cannot add a role", b.Party, b.Role)
		}
		if r.findVKey(b.Key) != nil {
			return nil, nil, input.Errorf("body.key", "already registered")
		}
		if b.Replaces != "" {
			if old := r.findVKey(b.Replaces); old == nil || old.Party != b.Party || old.Revoked {
				return nil, nil, input.Errorf("body.replaces", "must be a current key of party %q", b.Party)
			}
		}
	case KeyRevocation:
		b, _ := DecodeBody[KeyRevocationBody](rec)
		old := r.findVKey(b.Key)
		if b.Party != rec.Author || old == nil || old.Party != b.Party {
			return nil, nil, input.Errorf("body.key", "must be a key of the author's party %q", rec.Author)
		}
		if old.Revoked {
			return nil, nil, input.Errorf("body.key", "already revoked")
		}
	}
	return s, k, nil
}

// HasCurrentKey reports whether party holds a key that is not revoked,
// of one of roles.
func (r *Registry) HasCurrentKey(party string, roles ...string) bool {
	return slices.ContainsFunc(r.keys, func(k *Key) bool { return k.Party == party && !k.Revoked && slices.Contains(roles, k.Role) })
}

func (r *Registry) partyHasRole(party, role string) bool {
	return slices.ContainsFunc(r.keys, func(k *Key) bool { return k.Party == party && k.Role == role })
}

func (r *Registry) checkGenesis(entry []byte) (*Signed, *Key, error) {
	// Read the genesis text before verifying, to learn the operator key;
	// then verify with that key.
	text, _, found := strings.Cut(string(entry), "\n\n")
	if !found {
		return nil, nil, errors.New("genesis: not a signed note")
	}
	rec, err := Parse([]byte(text))
	if err != nil {
		return nil, nil, fmt.Errorf("genesis: %w", err)
	}
	if rec.Kind != Genesis {
		return nil, nil, fmt.Errorf("genesis: the record at index 0 must be of kind genesis, got %s", rec.Kind)
	}
	var body GenesisBody
	if err := json.Unmarshal(rec.Body, &body); err != nil {
		return nil, nil, err
	}
	tmp := &Registry{}
	for _, m := range body.Members {
		if m.Role == RoleOperator && m.Party == rec.Author {
			if err := tmp.add(m.Key, m.Party, m.Role, m.Recipient, 0); err != nil {
				return nil, nil, fmt.Errorf("genesis: %w", err)
			}
		}
	}
	if len(tmp.keys) == 0 {
		return nil, nil, fmt.Errorf("genesis: the author %q has no %s key among the members", rec.Author, RoleOperator)
	}
	s, err := Open(entry, tmp)
	if err != nil {
		return nil, nil, fmt.Errorf("genesis: %w", err)
	}
	return s, tmp.find(s.Signer.Name, s.Signer.Hash), nil
}

// Apply records the effect of an accepted record at index: the genesis
// record founds the registry; registrations add keys; revocations revoke.
func (r *Registry) Apply(s *Signed, index uint64) error {
	rec := s.Record
	switch rec.Kind {
	case Genesis:
		b, err := DecodeBody[GenesisBody](rec)
		if err != nil {
			return err
		}
		r.genesis = b
		for _, m := range b.Members {
			if err := r.add(m.Key, m.Party, m.Role, m.Recipient, index); err != nil {
				return fmt.Errorf("genesis: %w", err)
			}
		}
	case KeyRegistration:
		b, err := DecodeBody[KeyRegistrationBody](rec)
		if err != nil {
			return err
		}
		if err := r.add(b.Key, b.Party, b.Role, b.Recipient, index); err != nil {
			return err
		}
		if b.Replaces != "" {
			r.findVKey(b.Replaces).Revoked = true
		}
	case KeyRevocation:
		b, err := DecodeBody[KeyRevocationBody](rec)
		if err != nil {
			return err
		}
		r.findVKey(b.Key).Revoked = true
	}
	return nil
}
