package record

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/oasisprotocol/curve25519-voi/curve"
	"github.com/oasisprotocol/curve25519-voi/curve/scalar"
	voied25519 "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
	"golang.org/x/mod/sumdb/note"
)

// The eight points of small order, canonically encoded: the identity, the
// point of order 2, the two of order 4 and the four of order 8.
var smallOrder = []string{
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
}

// Non-canonical encodings of points: y = p + 1 (the identity), with and
// without the sign bit, and y = p (a point of order 4).
var nonCanonical = []string{
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
}

func point(t *testing.T, enc []byte) *curve.EdwardsPoint {
	t.Helper()
	var c curve.CompressedEdwardsY
	if _, err := c.SetBytes(enc); err != nil {
		t.Fatal(err)
	}
	p, err := curve.NewEdwardsPoint().SetCompressedY(&c)
	if err != nil {
		return nil
	}
	return p
}

func encode(p *curve.EdwardsPoint) []byte {
	var c curve.CompressedEdwardsY
	c.SetEdwardsPoint(p)
	return c[:]
}

// challenge is H(R || A || M) reduced mod the group order.
func challenge(t *testing.T, r, a, msg []byte) *scalar.Scalar {
	h := sha512.New()
	h.Write(r)
	h.Write(a)
	h.Write(msg)
	k, err := scalar.NewFromBytesModOrderWide(h.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// vkeyOf is a note verifier key for a raw 32-byte public key: its hash is
// the first four bytes of SHA-256 of the name, a newline and the key.
func vkeyOf(pub []byte) string {
	key := append([]byte{1}, pub...)
	h := sha256.Sum256(append([]byte("edge\n"), key...))
	return fmt.Sprintf("edge+%08x+%s", binary.BigEndian.Uint32(h[:4]), base64.StdEncoding.EncodeToString(key))
}

// TestVerifierAcceptsWhatCryptoEd25519Accepts checks the registry's
// verifier against crypto/ed25519 on valid signatures, damaged ones, and
// the edge cases on which Ed25519 implementations disagree: keys of small
// or mixed order, non-canonical keys, S not reduced, and non-canonical R.
// A record that one auditor accepts and another rejects would split the
// members' view of the log, so the two must agree on every case.
func TestVerifierAcceptsWhatCryptoEd25519Accepts(t *testing.T) {
	// A fixed seed: the cases, and so which of them verify, are the same
	// at every run.
	rng := rand.NewChaCha8([32]byte{'a', 'c', 'c', 'o', 'r', 'd'})
	var bEnc curve.CompressedEdwardsY
	copy(bEnc[:], curve.ED25519_BASEPOINT_COMPRESSED[:])
	base := point(t, bEnc[:])
	type tc struct {
		name     string
		pub, sig []byte
		msg      []byte
	}
	var cases []tc
	msg := func(i int) []byte { return fmt.Appendf(nil, "{\"id\":\"edge-%d\"}\n", i) }

	// Valid signatures by ordinary keys, then each damaged in one byte,
	// and with S + l in place of S.
	order, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	for i := range 20 {
		pub, priv, _ := ed25519.GenerateKey(rng)
		m := msg(i)
		sig := ed25519.Sign(priv, m)
		cases = append(cases, tc{"valid", pub, sig, m})
		bad := append([]byte(nil), sig...)
		bad[i%64] ^= 1 << (i % 8)
		cases = append(cases, tc{"damaged", pub, bad, m})
		// S + l: the same S, not reduced.
		big := append([]byte(nil), sig...)
		var carry uint16
		for j := range 32 {
			v := uint16(big[32+j]) + uint16(order[j]) + carry
			big[32+j], carry = byte(v), v>>8
		}
		cases = append(cases, tc{"S+l", pub, big, m})
	}

	// Small-order keys: R = [S]B verifies under the identity for every
	// message, and under a key of order n for the messages whose
	// challenge is a multiple of n; the others do not verify.
	for _, encHex := range append(append([]string{}, smallOrder...), nonCanonical...) {
		pub, _ := hex.DecodeString(encHex)
		for i := range 16 {
			s, _ := scalar.New().SetRandom(rng)
			var sb [32]byte
			_ = s.ToBytes(sb[:])
			r := encode(curve.NewEdwardsPoint().Mul(base, s))
			cases = append(cases, tc{"small-order key " + encHex[:8], pub, append(r, sb[:]...), msg(i)})
		}
	}

	// Mixed-order keys: A = aB + T for T of small order. The signature
	// S = r + k a verifies by the cofactorless check only when [k]T is
	// the identity; a cofactored check would accept them all.
	for _, tHex := range smallOrder[1:] {
		tEnc, _ := hex.DecodeString(tHex)
		tp := point(t, tEnc)
		a, _ := scalar.New().SetRandom(rng)
		pub := encode(curve.NewEdwardsPoint().Add(curve.NewEdwardsPoint().Mul(base, a), tp))
		for i := range 16 {
			rs, _ := scalar.New().SetRandom(rng)
			r := encode(curve.NewEdwardsPoint().Mul(base, rs))
			m := msg(i)
			k := challenge(t, r, pub, m)
			s := scalar.New().Add(rs, scalar.New().Mul(k, a))
			var sb [32]byte
			_ = s.ToBytes(sb[:])
			cases = append(cases, tc{"mixed-order key " + tHex[:8], pub, append(r, sb[:]...), m})
		}
	}

	// A non-canonical R: the identity encoded as y = p + 1, with S = 0,
	// under the identity key: [0]B - [k]0 is the identity, whose
	// canonical encoding differs from R's.
	idKey, _ := hex.DecodeString(smallOrder[0])
	for _, rHex := range nonCanonical[:2] {
		r, _ := hex.DecodeString(rHex)
		cases = append(cases, tc{"non-canonical R", idKey, append(r, make([]byte, 32)...), msg(0)})
	}
	// Random keys and signatures (most keys are no point of the curve).
	for i := range 50 {
		pub, sig := make([]byte, 32), make([]byte, 64)
		_, _ = rng.Read(pub)
		_, _ = rng.Read(sig)
		sig[63] &= 0x0f
		cases = append(cases, tc{"random", pub, sig, msg(i)})
	}

	accepted := map[string]int{}
	for _, c := range cases {
		v, err := NewVerifier(vkeyOf(c.pub))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := ed25519.Verify(c.pub, c.msg, c.sig)
		if got := v.Verify(c.msg, c.sig); got != want {
			t.Errorf("%s: key %x sig %x: the registry's verifier says %t, crypto/ed25519 %t", c.name, c.pub, c.sig, got, want)
		}
		if want {
			accepted[c.name]++
		}
	}
	// The edge cases must include signatures crypto/ed25519 accepts, or
	// the agreement above would be on rejections only.
	for _, name := range []string{"valid", "small-order key 01000000", "small-order key eeffffff", "mixed-order key ecffffff"} {
		if accepted[name] == 0 {
			t.Errorf("no %q case verified: the test no longer covers acceptance", name)
		}
	}
	for _, name := range []string{"damaged", "S+l", "non-canonical R"} {
		if accepted[name] != 0 {
			t.Errorf("%d %q cases verified", accepted[name], name)
		}
	}
	t.Logf("%d cases; accepted by both: %v", len(cases), accepted)
}

// The registry verifies records with the expanded key and gives the same
// name and key hash as note's own verifier.
func TestVerifierNamesTheKeyAsNoteDoes(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.NewChaCha8([32]byte{}), "iaea")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := note.NewVerifier(vkey)
	got, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.(*keyVerifier); !ok || got.Name() != want.Name() || got.KeyHash() != want.KeyHash() {
		t.Fatalf("verifier %T %s %08x, want the expanded key's as %s %08x", got, got.Name(), got.KeyHash(), want.Name(), want.KeyHash())
	}
	signer, _ := note.NewSigner(skey)
	signed, _ := note.Sign(&note.Note{Text: "a record\n"}, signer)
	if _, err := note.Open(signed, note.VerifierList(got)); err != nil {
		t.Fatal(err)
	}
	if _, err := NewVerifier("iaea+00000000+notbase64"); err == nil {
		t.Error("a malformed key was accepted")
	}
}

// cofactoredRules are the rules batch verification needs: the cofactored
// equation [8]([S]B - R - [k]A) = 0. The log does not use them.
var cofactoredRules = &voied25519.Options{Verify: voied25519.VerifyOptionsFIPS_186_5}

// mixedOrderR signs msg with the private scalar a of pub, but with a
// nonce point R = [r]B + T, T of small order: S = r + k a, k the challenge
// of that R. Then [S]B - [k]A = R - T, not R: crypto/ed25519's
// cofactorless check refuses it, and the cofactored one, whose factor of
// eight cancels T, accepts it.
func mixedOrderR(t *testing.T, rng *rand.ChaCha8, a *scalar.Scalar, pub []byte, tHex string, msg []byte) []byte {
	t.Helper()
	var bEnc curve.CompressedEdwardsY
	copy(bEnc[:], curve.ED25519_BASEPOINT_COMPRESSED[:])
	tEnc, _ := hex.DecodeString(tHex)
	rs, _ := scalar.New().SetRandom(rng)
	r := encode(curve.NewEdwardsPoint().Add(curve.NewEdwardsPoint().Mul(point(t, bEnc[:]), rs), point(t, tEnc)))
	k := challenge(t, r, pub, msg)
	var sb [32]byte
	_ = scalar.New().Add(rs, scalar.New().Mul(k, a)).ToBytes(sb[:])
	return append(r, sb[:]...)
}

// The log checks records one signature at a time, by crypto/ed25519's
// rules, although a batch check costs under half as much a signature
// (BenchmarkVerifyRules): batch verification rests on the cofactored
// equation, which accepts signatures whose R carries a point of small
// order. A member who signed such a record could have the log accept it
// and every auditor on crypto/ed25519 refuse it, splitting the members'
// view of the log. The test shows the batch accepting what the log's
// check and crypto/ed25519 refuse, so that nobody mistakes the batch for
// a faster equivalent.
func TestBatchVerificationAcceptsWhatTheLogRefuses(t *testing.T) {
	rng := rand.NewChaCha8([32]byte{'b', 'a', 't', 'c', 'h'})
	seed := make([]byte, ed25519.SeedSize)
	_, _ = rng.Read(seed)
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	// The private scalar a of crypto/ed25519's key: SHA-512 of the seed,
	// clamped (RFC 8032, 5.1.5).
	a, err := scalar.New().SetBytesModOrder(clampedScalar(seed))
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(vkeyOf(pub))
	if err != nil {
		t.Fatal(err)
	}
	for _, tHex := range smallOrder[1:] {
		batch := voied25519.NewBatchVerifier()
		for i := range 8 {
			m := fmt.Appendf(nil, "{\"id\":\"batch-%d\"}\n", i)
			batch.AddWithOptions(voied25519.PublicKey(pub), m, ed25519.Sign(priv, m), cofactoredRules)
		}
		m := []byte("{\"id\":\"crafted\"}\n")
		sig := mixedOrderR(t, rng, a, pub, tHex, m)
		batch.AddWithOptions(voied25519.PublicKey(pub), m, sig, cofactoredRules)
		if ed25519.Verify(pub, m, sig) || v.Verify(m, sig) {
			t.Errorf("T %s…: crypto/ed25519 %t, the log's check %t; want both to refuse", tHex[:8], ed25519.Verify(pub, m, sig), v.Verify(m, sig))
		}
		if !voied25519.VerifyWithOptions(voied25519.PublicKey(pub), m, sig, cofactoredRules) {
			t.Errorf("T %s…: the cofactored check refuses the crafted signature; the test no longer shows the difference", tHex[:8])
		}
		if !batch.VerifyBatchOnly(nil) {
			t.Errorf("T %s…: the batch refuses the crafted signature among eight valid ones", tHex[:8])
		}
	}
}

// clampedScalar is the private scalar's bytes of an Ed25519 seed.
func clampedScalar(seed []byte) []byte {
	h := sha512.Sum512(seed)
	h[0] &= 248
	h[31] &= 127
	h[31] |= 64
	return h[:32]
}

// BenchmarkVerifyRules measures the check of one signed record of about
// 600 bytes: crypto/ed25519; the log's check (crypto/ed25519's rules, the
// key expanded once, see NewVerifier); a batch of 64 by the cofactored
// equation, which the log does not use
// (TestBatchVerificationAcceptsWhatTheLogRefuses), per
// signature; and the test that R has no small-order component, which a
// batch would need for each signature to answer as crypto/ed25519 does.
func BenchmarkVerifyRules(b *testing.B) {
	seed := make([]byte, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	pub := voied25519.PublicKey(priv.Public().(ed25519.PublicKey))
	msg := make([]byte, 600)
	sig := ed25519.Sign(priv, msg)
	logCheck, err := NewVerifier(vkeyOf(pub))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("crypto-ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(ed25519.PublicKey(pub), msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("log-check", func(b *testing.B) {
		for b.Loop() {
			if !logCheck.Verify(msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("batch-64-cofactored", func(b *testing.B) {
		const size = 64
		key, err := voied25519.NewExpandedPublicKey(pub)
		if err != nil {
			b.Fatal(err)
		}
		batch := voied25519.NewBatchVerifierWithCapacity(size)
		for b.Loop() {
			batch.Reset()
			for range size {
				batch.AddExpandedWithOptions(key, msg, sig, cofactoredRules)
			}
			if !batch.VerifyBatchOnly(nil) {
				b.Fatal("does not verify")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size)/1e3, "us/signature")
	})
	b.Run("torsion-check-of-R", func(b *testing.B) {
		var c curve.CompressedEdwardsY
		if _, err := c.SetBytes(sig[:32]); err != nil {
			b.Fatal(err)
		}
		var r curve.EdwardsPoint
		for b.Loop() {
			if _, err := r.SetCompressedY(&c); err != nil || !r.IsTorsionFree() {
				b.Fatal("R is not a point of the prime-order subgroup")
			}
		}
	})
}
