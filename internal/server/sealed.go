package server

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/accordverify/accord/internal/record"
)

// Confidential is the log's policy on need-to-know records and the
// server's part in it (package app implements it).
type Confidential interface {
	// Registry is the log's key registry as of its latest entry.
	Registry() *record.Registry
	// OpenSealed opens a sealed record with the server's encryption key;
	// record.ErrNotRecipient when it is not sealed to the server.
	OpenSealed(r *record.Record) (*record.Record, error)
	// ServerParty is the party whose encryption key the server holds (""
	// when it holds none).
	ServerParty() string
}

// KeysView is the log's key registry as every member may read it (it is
// replayed from the log's genesis and key records): what a client needs
// to seal a record to its recipients.
type KeysView struct {
	// Confidential are the kinds the log accepts only sealed.
	Confidential []record.Kind `json:"confidential"`
	// ServerParty is the party whose encryption key this server holds: a
	// record the server must check (a talks commitment) is sealed to it
	// too.
	ServerParty string       `json:"server_party,omitempty"`
	Keys        []record.Key `json:"keys"`
}

func (s *Server) keys(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Confidential == nil {
		s.fail(w, r, &Error{Code: "unavailable", Message: "this server does not publish the key registry"})
		return
	}
	reg := s.cfg.Confidential.Registry()
	v := KeysView{Confidential: []record.Kind{}, ServerParty: s.cfg.Confidential.ServerParty(), Keys: reg.Keys()}
	if g := reg.Genesis(); g != nil && g.Confidential != nil {
		v.Confidential = g.Confidential
	}
	writeJSON(w, http.StatusOK, v)
}

// confidential reports whether the log accepts kind k only sealed.
func (s *Server) confidential(k record.Kind) bool {
	return s.cfg.Confidential != nil && s.cfg.Confidential.Registry().Genesis().IsConfidential(k)
}

// unseal returns the record a signed talks commitment carries: the record
// itself in a log that keeps commitments in clear; in one that keeps them
// confidential, the record sealed to the author, the room's mediator and
// this server, opened with the server's key.
func (s *Server) unseal(rec *record.Record, author, mediator string) (*record.Record, error) {
	if !s.confidential(record.TalksCommitment) {
		return rec, nil
	}
	if rec.Kind != record.Sealed {
		return nil, badRequest("commitment", "talks commitments are confidential in this log: seal the talks_commitment record to %s (GET /api/v1/keys lists the recipients' keys)", recipientsOf(author, mediator, s.cfg.Confidential.ServerParty()))
	}
	server := s.cfg.Confidential.ServerParty()
	to := record.SealedTo(rec)
	for _, p := range []string{author, mediator, server} {
		if p == "" || !slices.Contains(to, p) {
			return nil, badRequest("commitment", "must be sealed to %s, got %v", recipientsOf(author, mediator, server), to)
		}
	}
	inner, err := s.cfg.Confidential.OpenSealed(rec)
	if errors.Is(err, record.ErrNotRecipient) {
		return nil, badRequest("commitment", "this server's encryption key cannot open it: seal it to the keys GET /api/v1/keys lists")
	}
	if err != nil {
		return nil, badRequest("commitment", "%v", err)
	}
	return inner, nil
}

func recipientsOf(parties ...string) []string {
	var out []string
	for _, p := range parties {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// opened is a sealed record's content for a caller it is sealed to, when
// this server is a recipient too; nil otherwise.
func (s *Server) opened(ctx context.Context, c caller, row record.Row) *record.Record {
	if row.Kind != string(record.Sealed) || s.cfg.Confidential == nil || !slices.Contains(sealedTo(row), c.Party) {
		return nil
	}
	rec, err := record.Parse(row.Record)
	if err != nil {
		return nil
	}
	inner, err := s.cfg.Confidential.OpenSealed(rec)
	if err != nil {
		if !errors.Is(err, record.ErrNotRecipient) {
			s.cfg.Logger.WarnContext(ctx, "a sealed record does not open", "index", row.Index, "err", err)
		}
		return nil
	}
	return inner
}
