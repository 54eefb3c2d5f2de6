package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

// The edge tree's root is the RFC 6962 root at every size (compared with
// transparency-dev/merkle's compact range), and a tree continued from a
// saved edge is the tree built in one go.
func TestEdgeTreeRootAndResume(t *testing.T) {
	leaf := func(i uint64) []byte {
		h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, i))
		return h[:]
	}
	const n = 70000 // three tile levels
	whole, _ := newEdgeTree(0, nil)
	tiles := 0
	whole.onTile = func(level, index uint64, nodes [][]byte) { tiles++ }
	cr := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	check := map[uint64]bool{1: true, 2: true, 255: true, 256: true, 257: true, 511: true, 512: true, 65535: true, 65536: true, 65537: true, n: true}
	for s := uint64(3); s < n; s += 997 {
		check[s] = true
	}
	for i := uint64(0); i < n; i++ {
		whole.add(leaf(i))
		if err := cr.Append(leaf(i), nil); err != nil {
			t.Fatal(err)
		}
		if !check[i+1] {
			continue
		}
		want, _ := cr.GetRootHash(nil)
		if got := whole.root(); !bytes.Equal(got, want) {
			t.Fatalf("size %d: root %x, want %x", i+1, got, want)
		}
		// Continue a copy from the saved edge to size n.
		if (i+1)%7 != 0 && i+1 != 65536 && i+1 != 257 {
			continue
		}
		resumed, err := newEdgeTree(i+1, whole.tiles())
		if err != nil {
			t.Fatalf("size %d: %v", i+1, err)
		}
		if !bytes.Equal(resumed.root(), want) {
			t.Fatalf("size %d: the resumed tree's root differs", i+1)
		}
	}
	if want := n/256 + n/65536; tiles != want {
		t.Errorf("%d full tiles handed over, want %d", tiles, want)
	}
	if _, err := newEdgeTree(300, [][]byte{make([]byte, 44*32), make([]byte, 32)}); err != nil {
		t.Error(err)
	}
	for _, bad := range [][][]byte{nil, {make([]byte, 43*32), make([]byte, 32)}, {make([]byte, 44*32)}, {make([]byte, 44*32), make([]byte, 32), nil}} {
		if _, err := newEdgeTree(300, bad); err == nil {
			t.Errorf("an edge of %d levels accepted for a tree of 300", len(bad))
		}
	}
}
