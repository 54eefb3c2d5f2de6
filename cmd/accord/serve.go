package main

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/store"
)

// node adapts the ledger and the store to the interfaces the server
// declares.
type node struct {
	log   *ledger.Log
	index *store.Store
	wait  time.Duration
}

var rejectStatus = map[string]int{"duplicate": 409, "key": 403, "invalid": 400, "reference": 422}

func (n *node) Submit(ctx context.Context, entry []byte) (server.Submitted, error) {
	seq, r, err := n.log.Submit(ctx, entry, n.wait)
	var re *ledger.RejectError
	switch {
	case errors.As(err, &re):
		e := &server.Error{Status: rejectStatus[re.Code], Code: re.Code, Message: re.Err.Error()}
		var fe *record.FieldError
		if errors.As(err, &fe) {
			e.Field = fe.Field
		}
		return server.Submitted{}, e
	case errors.Is(err, ledger.ErrNotPublished):
		return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author}, nil
	case err != nil:
		return server.Submitted{}, err
	}
	b, _ := json.Marshal(r)
	return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author, Receipt: b}, nil
}

func (n *node) Receipt(ctx context.Context, index uint64) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	r, err := n.log.Receipt(ctx, index)
	if err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

func (n *node) Checkpoint(ctx context.Context) ([]byte, error) { return n.log.Checkpoint(ctx) }

func (n *node) Query(ctx context.Context, f server.Filter) ([]server.Row, error) {
	rows, err := n.index.Query(ctx, store.Filter{Kind: f.Kind, Author: f.Author, Site: f.Site, From: f.From, To: f.To, After: f.After, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]server.Row, len(rows))
	for i, r := range rows {
		out[i] = server.Row(r)
	}
	return out, nil
}

func (n *node) Get(ctx context.Context, index uint64) (server.Row, error) {
	r, err := n.index.Get(ctx, index)
	if errors.Is(err, store.ErrNotFound) {
		return server.Row{}, server.ErrNotFound
	}
	return server.Row(r), err
}

func (n *node) Facts(ctx context.Context) ([]state.Fact, error) { return n.index.Facts(ctx) }

var _ server.Log = (*node)(nil)
var _ server.Index = (*node)(nil)
