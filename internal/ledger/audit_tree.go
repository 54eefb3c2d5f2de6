package ledger

import (
	"bytes"
	"fmt"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api/layout"
)

// edgeTree is the right edge of a log's Merkle tree, one tile level at a
// time: for each tile level L, the nodes (at height 8L) of the tile that is
// not complete yet. Leaves are appended in order; each time a tile fills,
// it is handed to onTile with its 256 nodes, and its root becomes the next
// node of the level above. That is all the audit needs to check every tile
// and to compute the root at any size, without keeping the leaves of
// complete tiles: a log of a million entries holds at most a few partial
// tiles. The same edge, saved, lets a later audit continue the tree.
type edgeTree struct {
	size uint64
	// edge[L] holds the nodes of tile level L from index done[L]*256.
	edge [][][]byte
	done []uint64
	// onTile is called with every tile that fills (level, index, nodes).
	onTile func(level, index uint64, nodes [][]byte)
}

// newEdgeTree continues the tree of size from the nodes of its partial
// tiles, one []byte of concatenated hashes per tile level (nothing for a
// size of 0). It returns an error if they cannot be the edge of a tree of
// that size.
func newEdgeTree(size uint64, tiles [][]byte) (*edgeTree, error) {
	t := &edgeTree{size: size}
	for l := uint64(0); size>>(l*layout.TileHeight) > 0; l++ {
		nodes := size >> (l * layout.TileHeight)
		if l >= uint64(len(tiles)) || uint64(len(tiles[l])) != (nodes%layout.TileWidth)*32 {
			return nil, fmt.Errorf("tile level %d of the edge of a tree of %d leaves must hold %d hashes", l, size, nodes%layout.TileWidth)
		}
		var e [][]byte
		for i := 0; i < len(tiles[l]); i += 32 {
			e = append(e, bytes.Clone(tiles[l][i:i+32]))
		}
		t.edge = append(t.edge, e)
		t.done = append(t.done, nodes/layout.TileWidth)
	}
	if len(tiles) != len(t.edge) {
		return nil, fmt.Errorf("the edge of a tree of %d leaves has %d tile levels, not %d", size, len(t.edge), len(tiles))
	}
	return t, nil
}

// tiles returns the edge in the form newEdgeTree reads.
func (t *edgeTree) tiles() [][]byte {
	out := make([][]byte, 0, len(t.edge))
	for l, e := range t.edge {
		if t.size>>(uint64(l)*layout.TileHeight) == 0 {
			break
		}
		out = append(out, bytes.Join(e, nil))
	}
	return out
}

// add appends a leaf hash.
func (t *edgeTree) add(leaf []byte) {
	t.push(0, leaf)
	t.size++
}

func (t *edgeTree) push(l int, node []byte) {
	if l == len(t.edge) {
		t.edge = append(t.edge, nil)
		t.done = append(t.done, 0)
	}
	if t.edge[l] == nil {
		t.edge[l] = make([][]byte, 0, layout.TileWidth)
	}
	t.edge[l] = append(t.edge[l], node)
	if len(t.edge[l]) < layout.TileWidth {
		return
	}
	nodes := t.edge[l]
	if t.onTile != nil {
		t.onTile(uint64(l), t.done[l], nodes)
	}
	t.edge[l], t.done[l] = nil, t.done[l]+1
	t.push(l+1, subtreeRoot(nodes))
}

// subtreeRoot is the root of the perfect tree over nodes (a power of two).
func subtreeRoot(nodes [][]byte) []byte {
	if len(nodes) == 1 {
		return nodes[0]
	}
	cur := make([][]byte, len(nodes)/2)
	for i := range cur {
		cur[i] = rfc6962.DefaultHasher.HashChildren(nodes[2*i], nodes[2*i+1])
	}
	for len(cur) > 1 {
		for i := range len(cur) / 2 {
			cur[i] = rfc6962.DefaultHasher.HashChildren(cur[2*i], cur[2*i+1])
		}
		cur = cur[:len(cur)/2]
	}
	return cur[0]
}

// root returns the root of the tree of the leaves added so far (RFC 6962:
// the perfect subtrees of the size's binary decomposition, folded from the
// right).
func (t *edgeTree) root() []byte {
	if t.size == 0 {
		return rfc6962.DefaultHasher.EmptyRoot()
	}
	var root []byte
	for h := uint64(0); h < 64 && t.size>>h > 0; h++ {
		if (t.size>>h)&1 == 0 {
			continue
		}
		l, k := h/layout.TileHeight, h%layout.TileHeight
		// The subtree at height h just left of the edge covers these
		// nodes of tile level l, all in its partial tile.
		first := ((t.size >> h) - 1) << k
		base := t.done[l] * layout.TileWidth
		node := subtreeRoot(t.edge[l][first-base : first-base+1<<k])
		if root == nil {
			root = node
		} else {
			root = rfc6962.DefaultHasher.HashChildren(node, root)
		}
	}
	return root
}
