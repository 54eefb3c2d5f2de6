package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// Rooms keeps the state of talks rooms (package store implements it),
// and their messages one by one beside it.
type Rooms interface {
	SaveRoom(ctx context.Context, id string, state []byte) error
	LoadRoom(ctx context.Context, id string) ([]byte, error)
	RoomIDs(ctx context.Context) ([]string, error)
	// AddMessage stores a room's next message (talks.MarshalMessage);
	// sender (the mediator for a relay) and round count it.
	AddMessage(ctx context.Context, room, id, sender string, round int, message []byte) error
	// UpdateMessages replaces messages by id, all or none.
	UpdateMessages(ctx context.Context, room string, messages map[string][]byte) error
	// Messages returns a room's messages in order: all, or those of ids.
	Messages(ctx context.Context, room string, ids []string) ([][]byte, error)
	// CountMessages counts a room's messages, and sender's in round.
	CountMessages(ctx context.Context, room, sender string, round int) (total, sent int, err error)
}

// roomLocks serialize the changes to each room. A room's lock lives while
// some request holds or waits for it, so the map holds only the rooms in
// use (ids come from requests: a map that only grew would be theirs to
// fill).
type roomLocks struct {
	mu sync.Mutex
	m  map[string]*roomLock
}

type roomLock struct {
	sync.Mutex
	users int // requests holding or waiting for it
}

// lock locks room id and returns its unlock.
func (l *roomLocks) lock(id string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*roomLock{}
	}
	m, ok := l.m[id]
	if !ok {
		m = &roomLock{}
		l.m[id] = m
	}
	m.users++
	l.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		l.mu.Lock()
		if m.users--; m.users == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}

// held is how many rooms have a lock in use.
func (l *roomLocks) held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// participant is the caller's party; talks need a token.
func participant(r *http.Request) (caller, error) {
	c := callerOf(r)
	if c.anonymous() {
		return c, unauthorized("talks need a read token for your key (POST /api/v1/auth/challenge, then /api/v1/auth/token)")
	}
	return c, nil
}

// room loads a room for a change (or a read) under its lock; save writes it
// back.
func (s *Server) room(ctx context.Context, id string) (*talks.Room, func(), error) {
	if s.cfg.Rooms == nil {
		return nil, func() {}, &Error{Code: "not_found", Message: "this server keeps no talks rooms"}
	}
	unlock := s.roomLocks.lock(id)
	b, err := s.cfg.Rooms.LoadRoom(ctx, id)
	if err != nil {
		unlock()
		if errors.Is(err, record.ErrNotFound) {
			return nil, func() {}, &Error{Code: "not_found", Field: "room", Message: "no talks room " + strconv.Quote(id)}
		}
		return nil, func() {}, err
	}
	rm, err := talks.Restore(b)
	if err != nil {
		unlock()
		return nil, func() {}, err
	}
	rm.Model, err = s.talksModel(ctx)
	if err != nil {
		unlock()
		return nil, func() {}, err
	}
	return rm, unlock, nil
}

func (s *Server) saveRoom(ctx context.Context, rm *talks.Room) error {
	b, err := rm.MarshalSnapshot()
	if err != nil {
		return err
	}
	return s.cfg.Rooms.SaveRoom(ctx, rm.ID, b)
}

// talksModel evaluates proposals against the latest reported state.
func (s *Server) talksModel(ctx context.Context) (talks.Model, error) {
	facts, err := s.facts(ctx)
	if err != nil {
		return talks.Model{}, err
	}
	return talks.ModelAt(state.At(facts, latestStock(facts))), nil
}

// What a room handler does with the room.
type roomUse int

const (
	// unchanged: the room's snapshot is not saved; the handler reads the
	// room under its lock, or stores what it adds as rows of its own (a
	// message).
	unchanged roomUse = iota
	// changes: the room is saved when the handler succeeds.
	changes
	// charges: the room is saved whatever the handler answers (a
	// feasibility question counts against the budget even when it fails).
	charges
	// snapshot: the handler works on the room's copy without its lock, so
	// that long work (the zone explorer) does not hold up the room.
	snapshot
)

// talksRoute wraps a room handler: the caller's token, the room under its
// lock (a copy, unlocked, for a snapshot), the handler's answer, and the
// room saved as use says.
func (s *Server) talksRoute(use roomUse, h func(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := participant(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rm, unlock, err := s.room(r.Context(), r.PathValue("room"))
		if use == snapshot {
			// The room is already this request's own copy, read from the
			// store: nothing else sees it, and nothing is saved.
			unlock()
			unlock = func() {}
		}
		defer unlock()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v, status, err := h(w, r, c, rm)
		if use == charges || use == changes && err == nil {
			if serr := s.saveRoom(r.Context(), rm); serr != nil {
				s.fail(w, r, serr)
				return
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, status, v)
	}
}

// roomRequest opens a room; its schema says the bounds NewRoom checks
// (talks.MaxNameLength, talks.MaxBudget).
type roomRequest struct {
	// ID names the room in URLs: an id as a record's is.
	ID      string             `json:"id" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._:-]{0\\,127}$"`
	Title   string             `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Parties []talks.Delegation `json:"parties"`
	Space   talks.Space        `json:"space"`
	Policy  talks.Policy       `json:"policy"`
	Budget  int                `json:"budget_per_round" jsonschema:"minimum=1,maximum=1000"`
}

// createRoom: a mediator opens a room it mediates.
func (s *Server) createRoom(w http.ResponseWriter, r *http.Request) {
	c, err := participant(r)
	if err == nil && c.Role != record.RoleMediator {
		err = &Error{Code: "forbidden", Message: "only a mediator's key opens a talks room"}
	}
	if err == nil && s.cfg.Rooms == nil {
		err = &Error{Code: "not_found", Message: "this server keeps no talks rooms"}
	}
	var req roomRequest
	if err == nil {
		err = decode(r, &req)
	}
	// The room is checked whole before its id is used at all (a lock, a
	// look in the store).
	var rm *talks.Room
	if err == nil {
		rm, err = talks.NewRoom(req.ID, req.Title, c.Party, req.Parties, req.Space, req.Policy, req.Budget)
	}
	if err == nil {
		err = s.registeredParties(req.Parties)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unlock := s.roomLocks.lock(rm.ID)
	defer unlock()
	if _, err := s.cfg.Rooms.LoadRoom(r.Context(), rm.ID); err == nil {
		s.fail(w, r, &Error{Code: "duplicate", Field: "id", Message: "a talks room " + strconv.Quote(rm.ID) + " exists"})
		return
	}
	if err := s.saveRoom(r.Context(), rm); err != nil {
		s.fail(w, r, err)
		return
	}
	v, _ := rm.ViewFor(c.Party)
	writeJSON(w, http.StatusCreated, v)
}

// registeredParties checks that every party of a new room holds a current
// key of a party's role in the log's key registry: a party without one
// could neither read the room nor sign its commitments.
func (s *Server) registeredParties(ds []talks.Delegation) error {
	if s.cfg.Confidential == nil {
		return &Error{Code: "not_found", Message: "this server does not know the log's key registry, against which a room's parties are checked: it opens no talks rooms"}
	}
	reg := s.cfg.Confidential.Registry()
	for i, d := range ds {
		if !reg.HasCurrentKey(d.Party, record.TalksPartyRoles...) {
			return badRequest(fmt.Sprintf("parties[%d].party", i), "%q holds no current key of role %s in the log's key registry: every party of a room is a registered party", d.Party, strings.Join(record.TalksPartyRoles, " or "))
		}
	}
	return nil
}

// listRooms lists the rooms the caller takes part in.
func (s *Server) listRooms(w http.ResponseWriter, r *http.Request) {
	c, err := participant(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rooms, err := s.roomsOf(r.Context(), c.Party)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []map[string]string{}
	for _, rm := range rooms {
		role := "party"
		if rm.Mediator {
			role = record.RoleMediator
		}
		out = append(out, map[string]string{"id": rm.ID, "title": rm.Title, "role": role})
	}
	writeJSON(w, http.StatusOK, map[string]any{"rooms": out})
}

// roomEntry is a room a participant takes part in.
type roomEntry struct {
	ID, Title string
	Mediator  bool
}

// roomsOf lists the rooms party takes part in.
func (s *Server) roomsOf(ctx context.Context, party string) ([]roomEntry, error) {
	if s.cfg.Rooms == nil {
		return nil, nil
	}
	ids, err := s.cfg.Rooms.RoomIDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []roomEntry
	for _, id := range ids {
		b, err := s.cfg.Rooms.LoadRoom(ctx, id)
		if err != nil {
			s.cfg.Logger.WarnContext(ctx, "a talks room does not load: it is left out of the list", "room", id, "err", err)
			continue
		}
		rm, err := talks.Restore(b)
		if err != nil {
			// A room stored before a rule it breaks (a longer title, a
			// larger budget) is kept, not listed; its error says why.
			s.cfg.Logger.WarnContext(ctx, "a talks room does not read back: it is left out of the list", "room", id, "err", err)
			continue
		}
		if v, err := rm.ViewFor(party); err == nil {
			out = append(out, roomEntry{ID: v.ID, Title: v.Title, Mediator: v.Mediator == party})
		}
	}
	return out, nil
}

// recordOf reads the record of a signed note without checking the
// signature (the log checks it on submission).
func recordOf(signed []byte) (*record.Record, error) {
	i := bytes.Index(signed, []byte("\n\n"))
	if i < 0 {
		return nil, badRequest("commitment", "must be a signed record (a signed note)")
	}
	rec, err := record.Parse(signed[:i])
	if err != nil {
		return nil, badRequest("commitment", "%v", err)
	}
	return rec, nil
}

// logCommitment checks that a signed talks_commitment record is the
// caller's, for this room and this hash, and submits it to the evidence
// log, which checks its signature; it returns what the log answered.
func (s *Server) logCommitment(ctx context.Context, c caller, roomID, mediator, hash string, signed string) (Submitted, error) {
	rec, err := recordOf([]byte(signed))
	if err != nil {
		return Submitted{}, err
	}
	if rec.Author != c.Party {
		return Submitted{}, badRequest("commitment", "must be a talks_commitment record by %s", c.Party)
	}
	if rec, err = s.unseal(rec, c.Party, mediator); err != nil {
		return Submitted{}, err
	}
	if rec.Kind != record.TalksCommitment {
		return Submitted{}, badRequest("commitment", "must be a talks_commitment record by %s", c.Party)
	}
	body, err := record.DecodeBody[record.TalksCommitmentBody](rec)
	if err != nil {
		return Submitted{}, badRequest("commitment", "%v", err)
	}
	if body.Room != roomID || body.SHA256 != hash {
		return Submitted{}, badRequest("commitment", "must commit to room %s and sha256 %s", roomID, hash)
	}
	return s.cfg.Log.Submit(ctx, []byte(signed))
}

type redLinesRequest struct {
	RedLines talks.RedLines `json:"red_lines"`
	// Commitment is the party's signed talks_commitment record of the red
	// lines' commitment, for the evidence log.
	Commitment string `json:"commitment"`
}

func (s *Server) submitRedLines(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req redLinesRequest
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	commitment, sub, err := s.redLinesStep(r.Context(), c, rm, req.RedLines, req.Commitment)
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{"commitment": commitment, "log": sub}, http.StatusCreated, nil
}

// redLinesHash checks a party's red lines on a copy of the room and
// returns their commitment.
func redLinesHash(c caller, rm *talks.Room, rl talks.RedLines) (string, error) {
	trial, err := rm.Clone()
	if err != nil {
		return "", err
	}
	return trial.SubmitRedLines(c.Party, rl)
}

// redLinesStep submits a party's red lines with its signed commitment to
// them (the API's route and the room page's form).
func (s *Server) redLinesStep(ctx context.Context, c caller, rm *talks.Room, rl talks.RedLines, signed string) (string, Submitted, error) {
	// Check the red lines on a copy before anything reaches the log.
	commitment, err := redLinesHash(c, rm, rl)
	if err != nil {
		return "", Submitted{}, err
	}
	sub, err := s.logCommitment(ctx, c, rm.ID, rm.Mediator, commitment, signed)
	if err != nil {
		return "", Submitted{}, err
	}
	if _, err := rm.SubmitRedLines(c.Party, rl); err != nil {
		return "", Submitted{}, err
	}
	return commitment, sub, nil
}

func (s *Server) getRoom(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	v, err := rm.ViewFor(c.Party)
	return v, http.StatusOK, err
}

func (s *Server) getRedLines(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	rl, err := rm.RedLinesOf(c.Party, r.PathValue("party"))
	return rl, http.StatusOK, err
}

type proposalRequest struct {
	Origin              string        `json:"origin"`
	Values              talks.Package `json:"values"`
	AttributeToMediator bool          `json:"attribute_to_mediator"`
	// Hold keeps the proposal for the mediator until it is released.
	Hold bool `json:"hold"`
	// Commitment, to release at once, is the mediator's signed
	// talks_commitment record of the proposal's release hash, made with
	// Salt (the release hash's secret; "": the server picks one, for a
	// held proposal).
	Commitment string `json:"commitment,omitempty"`
	Salt       string `json:"salt,omitempty"`
}

func (s *Server) propose(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req proposalRequest
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	if req.Origin == "" {
		req.Origin = c.Party
	}
	p, err := rm.Hold(c.Party, req.Origin, req.Values, req.AttributeToMediator, req.Salt)
	if err != nil || req.Hold {
		return map[string]any{"proposal": p, "release_sha256": rm.ReleaseHash(p)}, http.StatusCreated, err
	}
	// Released at once: its release hash goes into the log first.
	sub, err := s.logRelease(r.Context(), c, rm, p, req.Commitment)
	if err != nil {
		return nil, 0, err
	}
	if err := rm.ReleaseProposal(c.Party, p.ID, time.Now().UTC()); err != nil {
		return nil, 0, err
	}
	if p, err = rm.Proposal(p.ID); err != nil {
		return nil, 0, err
	}
	return map[string]any{"proposal": p, "release_sha256": rm.ReleaseHash(p), "log": sub}, http.StatusCreated, nil
}

// logRelease logs the mediator's commitment to a proposal's release hash.
func (s *Server) logRelease(ctx context.Context, c caller, rm *talks.Room, p talks.Proposal, signed string) (Submitted, error) {
	hash := rm.ReleaseHash(p)
	if signed == "" {
		return Submitted{}, badRequest("commitment", "releasing a proposal logs its hash: sign a talks_commitment record of room %s and sha256 %s", rm.ID, hash)
	}
	return s.logCommitment(ctx, c, rm.ID, rm.Mediator, hash, signed)
}

func (s *Server) releaseProposal(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	if c.Party != rm.Mediator {
		return nil, 0, fmt.Errorf("%w: only the mediator releases", talks.ErrForbidden)
	}
	var req struct {
		Commitment string `json:"commitment"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	id := r.PathValue("proposal")
	sub, err := s.releaseStep(r.Context(), c, rm, id, req.Commitment)
	return map[string]any{"released": id, "log": sub}, http.StatusOK, err
}

// heldProposal is a proposal the caller, the mediator, may release.
func heldProposal(c caller, rm *talks.Room, id string) (talks.Proposal, error) {
	if c.Party != rm.Mediator {
		return talks.Proposal{}, fmt.Errorf("%w: only the mediator releases", talks.ErrForbidden)
	}
	p, err := rm.Proposal(id)
	if err != nil {
		return talks.Proposal{}, err
	}
	if !p.Released.IsZero() {
		return talks.Proposal{}, badRequest("proposal", "%s is released already", p.ID)
	}
	return p, nil
}

// releaseStep releases a held proposal with the mediator's signed
// commitment to its release hash (the API's route and the room page's
// form).
func (s *Server) releaseStep(ctx context.Context, c caller, rm *talks.Room, id, signed string) (Submitted, error) {
	p, err := heldProposal(c, rm, id)
	if err != nil {
		return Submitted{}, err
	}
	sub, err := s.logRelease(ctx, c, rm, p, signed)
	if err != nil {
		return Submitted{}, err
	}
	return sub, rm.ReleaseProposal(c.Party, p.ID, time.Now().UTC())
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req struct {
		Text string `json:"text"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	err := rm.AddNote(c.Party, req.Text, time.Now().UTC())
	return map[string]int{"notes": len(rm.Notes)}, http.StatusCreated, err
}

func (s *Server) feasibility(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req struct {
		Proposal string `json:"proposal"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	rep, err := rm.Feasibility(c.Party, req.Proposal, time.Now().UTC())
	return rep, http.StatusOK, err
}

func (s *Server) zone(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req struct {
		Fixed talks.Package `json:"fixed"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	z, err := rm.ExploreZone(c.Party, req.Fixed)
	return z, http.StatusOK, err
}

func (s *Server) nextRound(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	err := rm.NextRound(c.Party)
	return map[string]int{"round": rm.Round}, http.StatusOK, err
}

type messageRequest struct {
	Kind                string   `json:"kind"`
	Body                string   `json:"body"`
	Proposal            string   `json:"proposal,omitempty"`
	RelayOf             string   `json:"relay_of,omitempty"`
	To                  []string `json:"to,omitempty"`
	AttributeToMediator bool     `json:"attribute_to_mediator,omitempty"`
}

// postMessage: a party writes to the mediator; the mediator relays.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req messageRequest
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	now := time.Now().UTC()
	var tally talks.Tally
	var err error
	tally.Messages, tally.Sent, err = s.cfg.Rooms.CountMessages(r.Context(), rm.ID, c.Party, rm.Round)
	if err != nil {
		return nil, 0, err
	}
	var m talks.Message
	if c.Party == rm.Mediator {
		var of *talks.Message
		if req.RelayOf != "" {
			found, err := s.messages(r.Context(), rm.ID, []string{req.RelayOf})
			if err != nil {
				return nil, 0, err
			}
			if len(found) == 0 {
				return nil, 0, badRequest("relay_of", "no message %q", req.RelayOf)
			}
			of = &found[0]
		}
		m, err = rm.Relay(c.Party, of, req.Body, req.To, req.AttributeToMediator, now, tally)
	} else {
		m, err = rm.Send(c.Party, req.Kind, req.Body, req.Proposal, now, tally)
	}
	if err != nil {
		return nil, 0, err
	}
	// One row: the room itself is not rewritten for a message.
	row, err := talks.MarshalMessage(m)
	if err == nil {
		err = s.cfg.Rooms.AddMessage(r.Context(), rm.ID, m.ID, c.Party, m.Round, row)
	}
	return m, http.StatusCreated, err
}

// maxReleaseIDs bounds the relays one release names.
const maxReleaseIDs = 1000

func (s *Server) release(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	if c.Party != rm.Mediator {
		return nil, 0, fmt.Errorf("%w: only the mediator releases", talks.ErrForbidden)
	}
	var req struct {
		IDs []string `json:"ids"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	if len(req.IDs) > maxReleaseIDs {
		return nil, 0, badRequest("ids", "at most %d relays at once, got %d", maxReleaseIDs, len(req.IDs))
	}
	found, err := s.messages(r.Context(), rm.ID, append([]string{}, req.IDs...))
	if err != nil {
		return nil, 0, err
	}
	released, err := rm.Release(c.Party, req.IDs, found, time.Now().UTC())
	if err != nil {
		return nil, 0, err
	}
	rows := map[string][]byte{}
	for _, m := range released {
		if rows[m.ID], err = talks.MarshalMessage(m); err != nil {
			return nil, 0, err
		}
	}
	err = s.cfg.Rooms.UpdateMessages(r.Context(), rm.ID, rows)
	return map[string]any{"released": req.IDs}, http.StatusOK, err
}

// messages reads a room's messages from the store: all (ids nil) or those
// of ids.
func (s *Server) messages(ctx context.Context, room string, ids []string) ([]talks.Message, error) {
	rows, err := s.cfg.Rooms.Messages(ctx, room, ids)
	if err != nil {
		return nil, err
	}
	out := make([]talks.Message, 0, len(rows))
	for _, b := range rows {
		m, err := talks.UnmarshalMessage(b)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// inboxOf is what the caller may read of a room's messages.
func (s *Server) inboxOf(ctx context.Context, c caller, rm *talks.Room) ([]talks.Message, error) {
	if _, err := rm.Inbox(c.Party, nil); err != nil {
		return nil, err // not in the room: its messages are not read
	}
	all, err := s.messages(ctx, rm.ID, nil)
	if err != nil {
		return nil, err
	}
	in, err := rm.Inbox(c.Party, all)
	if in == nil {
		in = []talks.Message{}
	}
	return in, err
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	in, err := s.inboxOf(r.Context(), c, rm)
	return map[string]any{"messages": in}, http.StatusOK, err
}

func (s *Server) draftText(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req struct {
		Clauses []talks.Clause `json:"clauses"`
		Values  talks.Package  `json:"values"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	t, err := rm.DraftText(c.Party, req.Clauses, req.Values)
	return map[string]any{"text": t, "sha256": t.Hash()}, http.StatusCreated, err
}

// confirmText: a party confirms a version of the text with a signed
// talks_commitment record of its hash, which goes into the evidence log.
func (s *Server) confirmText(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil {
		return nil, 0, badRequest("version", "must be a number, got %q", r.PathValue("version"))
	}
	var req struct {
		Commitment string `json:"commitment"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	hash, sub, final, err := s.confirmStep(r.Context(), c, rm, version, req.Commitment)
	if err != nil {
		return nil, 0, err
	}
	return map[string]any{"version": version, "sha256": hash, "log": sub, "final": final}, http.StatusOK, nil
}

// confirmable checks, on a copy of the room, that the caller may confirm
// version of the text, and returns the version's hash.
func confirmable(c caller, rm *talks.Room, version int) (string, error) {
	if version < 1 || version > len(rm.Texts) {
		return "", badRequest("version", "no version %d of the text", version)
	}
	hash := rm.Texts[version-1].Hash()
	trial, err := rm.Clone()
	if err == nil {
		err = trial.ConfirmHash(c.Party, version, hash, nil)
	}
	return hash, err
}

// confirmStep confirms a version of the text with the party's signed
// commitment to its hash (the API's route and the room page's form);
// final says whether every party has now confirmed it.
func (s *Server) confirmStep(ctx context.Context, c caller, rm *talks.Room, version int, signed string) (string, Submitted, bool, error) {
	// Check everything the room checks before the log receives anything.
	hash, err := confirmable(c, rm, version)
	if err != nil {
		return "", Submitted{}, false, err
	}
	sub, err := s.logCommitment(ctx, c, rm.ID, rm.Mediator, hash, signed)
	if err != nil {
		return "", Submitted{}, false, err
	}
	if err := rm.ConfirmHash(c.Party, version, hash, []byte(signed)); err != nil {
		return "", Submitted{}, false, err
	}
	_, final := rm.Final()
	return hash, sub, final, nil
}

// The dashboard's talks pages: the rooms a signed-in participant takes
// part in, and each room as that participant may see it.

type talksRoomView struct {
	View   *talks.View
	Viewer string
	Inbox  []talks.Message
	Report *talks.Report
	Zone   *talks.Zone
	Error  string
	// Done says what a form's step did; Logged is the record it put into
	// the evidence log, if any.
	Done   string
	Logged *Submitted
	// State is where the round stands; Base the server's address, for the
	// commands that sign.
	State, Base string
}

func (s *Server) talksPage(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r)
	if c.anonymous() {
		s.signinAgain(w, r, http.StatusUnauthorized, signinView{Next: r.URL.RequestURI(), Reason: "Talks rooms are for their participants: sign in with your key"})
		return
	}
	entries, err := s.roomsOf(r.Context(), c.Party)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var rooms []map[string]string
	for _, rm := range entries {
		role := "a party"
		if rm.Mediator {
			role = "the mediator"
		}
		rooms = append(rooms, map[string]string{"id": rm.ID, "title": rm.Title, "role": role})
	}
	s.render(w, r, http.StatusOK, "talks", "Talks", map[string]any{"Rooms": rooms})
}

// talksRoomPage renders a room for the caller; act, when set, runs a form
// action (feasibility, zone) first and shows its answer; use says what
// becomes of the room, as for the API's routes.
func (s *Server) talksRoomPage(use roomUse, act func(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (changed bool, err error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.pageCaller(r)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		if c.anonymous() {
			s.signinAgain(w, r, http.StatusUnauthorized, signinView{Next: "/talks/" + pathSegment(r.PathValue("room")), Reason: "Talks rooms are for their participants: sign in with your key"})
			return
		}
		rm, unlock, err := s.room(r.Context(), r.PathValue("room"))
		if use == snapshot {
			unlock() // the request's own copy: the zone explorer holds up nobody
			unlock = func() {}
		}
		defer unlock()
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		v := &talksRoomView{Viewer: c.Party}
		if act != nil {
			if err := parseForm(r); err != nil {
				s.pageError(w, r, err)
				return
			}
			changed, err := act(r, c, rm, v)
			if err != nil {
				if errors.Is(err, talks.ErrForbidden) {
					s.pageError(w, r, err)
					return
				}
				v.Error = err.Error()
			}
			if changed && (err == nil || use == charges) {
				if err := s.saveRoom(r.Context(), rm); err != nil {
					s.pageError(w, r, err)
					return
				}
			}
		}
		if v.View, err = rm.ViewFor(c.Party); err != nil {
			s.pageError(w, r, err)
			return
		}
		if v.Inbox, err = s.inboxOf(r.Context(), c, rm); err != nil {
			s.pageError(w, r, err)
			return
		}
		v.State, v.Base = roomState(v.View), baseURL(r)
		s.render(w, r, http.StatusOK, "talksroom", rm.Title+": "+v.State, v)
	}
}

// talksFeasibility asks, from the room page, whether a proposal meets the
// red lines (counted against the party's budget like an API query).
func talksFeasibility(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	asked := len(rm.Ledger)
	rep, err := rm.Feasibility(c.Party, r.PostForm.Get("proposal"), time.Now().UTC())
	v.Report = rep
	return len(rm.Ledger) > asked, err // counted, answered or not
}

// talksZone explores the zone of agreement from the room page (the
// mediator), with the room's schedule terms at their listed order.
func talksZone(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	fixed := talks.Package{}
	for _, t := range rm.Space.Terms {
		if t.Kind == talks.Schedule {
			fixed[t.ID] = talks.Value{Order: t.Phases}
		}
	}
	z, err := rm.ExploreZone(c.Party, fixed)
	v.Zone = z
	return false, err
}

func (s *Server) freezeSpace(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	err := rm.Freeze(c.Party)
	return rm.Space, http.StatusOK, err
}

func (s *Server) reviseSpace(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	if c.Party != rm.Mediator {
		return nil, 0, fmt.Errorf("%w: the mediator revises the issue space", talks.ErrForbidden)
	}
	var req struct {
		Terms []talks.Term `json:"terms"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	err := rm.Revise(c.Party, req.Terms)
	return rm.Space, http.StatusOK, err
}

func (s *Server) exclude(w http.ResponseWriter, r *http.Request, c caller, rm *talks.Room) (any, int, error) {
	var req struct {
		Topic string `json:"topic"`
	}
	if err := decode(r, &req); err != nil {
		return nil, 0, err
	}
	err := rm.Exclude(c.Party, req.Topic)
	return rm.Space.Excluded, http.StatusCreated, err
}

// The room page's forms for the steps that need no signature of the
// participant's own: the mediator holds a proposal, relays and releases
// messages and writes the text; a party writes to the mediator. The steps
// that put the participant's signature into the evidence log (red lines,
// releasing a proposal, confirming the text) are signed in the page with
// the participant's key file, which never leaves the browser (talkssign.go),
// or with the command the page shows beside them.

// Words says a red line in words, with the room's terms' titles and units.
func (v *talksRoomView) Words(c talks.Constraint) string { return constraintWords(&v.View.Space, c) }

// ValueWords says a proposal's values in words, in the order of the
// room's terms (a value of a term the room does not name last, as given).
func (v *talksRoomView) ValueWords(pkg talks.Package) []string {
	return packageWords(&v.View.Space, pkg)
}

// packageWords says a package in words with the room's terms' titles and
// units: "Enrichment cap: 3.67 %", "Apply the Additional Protocol: yes",
// "Sanctions relief: iaea-verification, then un-relief, then us-relief".
func packageWords(sp *talks.Space, pkg talks.Package) []string {
	var out []string
	say := func(id, title, unit string, x talks.Value) {
		var value string
		switch {
		case x.Number != nil:
			value = strconv.FormatFloat(*x.Number, 'f', -1, 64)
			if unit != "" {
				value += " " + unit
			}
		case len(x.Order) > 0:
			value = strings.Join(x.Order, ", then ")
		default:
			value = x.Text
		}
		if title == "" {
			title = id
		}
		out = append(out, title+": "+value)
	}
	for _, t := range sp.Terms {
		if x, ok := pkg[t.ID]; ok {
			say(t.ID, t.Title, t.Unit, x)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(pkg)) {
		if _, known := sp.Term(id); !known {
			say(id, "", "", pkg[id])
		}
	}
	return out
}

// metricRow is a metric a red line may bound, for the red lines' form.
type metricRow struct{ ID, Name, Unit string }

// Metrics are the metrics a red line may bound, breakout time first.
func (v *talksRoomView) Metrics() []metricRow {
	var out []metricRow
	for _, m := range talks.Metrics {
		out = append(out, metricRow{ID: m, Name: talks.MetricNames[m], Unit: talks.MetricUnits[m]})
	}
	return out
}

// Confirmable reports whether every clause of t is agreed: only such a
// text can be confirmed.
func (v *talksRoomView) Confirmable(t talks.Text) bool {
	for _, c := range t.Clauses {
		if c.Status != talks.Agreed {
			return false
		}
	}
	return true
}

// constraintWords says a red line in words: "Enrichment cap at least
// 3.67 %", "breakout time (central estimate) at least 365 days", "Additional Protocol is yes".
func constraintWords(sp *talks.Space, c talks.Constraint) string {
	name, unit := c.Subject, ""
	if t, ok := sp.Term(c.Subject); ok {
		unit = t.Unit
		if t.Title != "" {
			name = t.Title
		}
		if t.Kind == talks.YesNo {
			if (c.Op == "=") == (c.Text == "yes") {
				return name + ": yes"
			}
			return name + ": no"
		}
	} else if u, ok := talks.MetricUnits[c.Subject]; ok {
		name, unit = talks.MetricNames[c.Subject], u
	}
	op := map[string]string{">=": "at least", "<=": "at most", "=": "is", "!=": "is not"}[c.Op]
	if op == "" {
		op = c.Op
	}
	value := c.Text
	switch {
	case value != "":
	case c.Value == nil:
		value = "(no value)"
	default:
		value = strconv.FormatFloat(*c.Value, 'f', -1, 64)
		if unit != "" {
			value += " " + unit
		}
	}
	return name + " " + op + " " + value
}

// roomState says where the round stands, for the page's title.
func roomState(v *talks.View) string {
	switch {
	case v.Final != nil:
		return fmt.Sprintf("text final (version %d, confirmed by every party)", v.Final.Version)
	case len(v.Texts) > 0:
		return fmt.Sprintf("text version %d awaiting confirmation", len(v.Texts))
	case len(v.Commitments) < len(v.Parties):
		return fmt.Sprintf("round %d, waiting for red lines (%d of %d in)", v.Round, len(v.Commitments), len(v.Parties))
	case len(v.Proposals) > 0:
		return fmt.Sprintf("round %d, proposals on the table", v.Round)
	default:
		return fmt.Sprintf("round %d, red lines in, no proposal yet", v.Round)
	}
}

// baseURL is the server's address as the request reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// formPackage reads a proposal's values from the form: "v.TERM" per term
// (a number, an option, yes or no, or phases separated by commas); an
// empty field leaves the term open.
func formPackage(r *http.Request, sp *talks.Space) (talks.Package, error) {
	p := talks.Package{}
	for _, t := range sp.Terms {
		s := strings.TrimSpace(r.PostForm.Get("v." + t.ID))
		if s == "" {
			continue
		}
		switch t.Kind {
		case talks.Numeric:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, badRequest(t.ID, "%s needs a number, got %q", t.Title, s)
			}
			p[t.ID] = talks.Num(f)
		case talks.Schedule:
			var order []string
			for o := range strings.SplitSeq(s, ",") {
				order = append(order, strings.TrimSpace(o))
			}
			p[t.ID] = talks.Value{Order: order}
		default:
			p[t.ID] = talks.Value{Text: s}
		}
	}
	return p, nil
}

// talksHold: the mediator puts a proposal to the room, held for the
// mediator until released (releasing logs its hash with the mediator's
// signature).
func talksHold(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	values, err := formPackage(r, &rm.Space)
	if err != nil {
		return false, err
	}
	p, err := rm.Hold(c.Party, r.PostForm.Get("origin"), values, r.PostForm.Get("mask") != "", "")
	if err == nil {
		v.Done = fmt.Sprintf("Proposal %s is held: no party sees it until you release it.", p.ID)
	}
	return err == nil, err
}

// talksDraft: the mediator records a version of the text, one clause a
// line ("bracketed: ..." or "open: ..." mark a clause not agreed), with
// the values of a proposal.
func talksDraft(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	var clauses []talks.Clause
	for line := range strings.Lines(r.PostForm.Get("clauses")) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		cl := talks.Clause{ID: fmt.Sprintf("c%d", len(clauses)+1), Status: talks.Agreed, Text: line}
		if st, rest, ok := strings.Cut(line, ":"); ok && (st == talks.Bracketed || st == talks.Open || st == talks.Agreed) {
			cl.Status, cl.Text = st, strings.TrimSpace(rest)
		}
		clauses = append(clauses, cl)
	}
	values := talks.Package{}
	if id := r.PostForm.Get("proposal"); id != "" {
		p, err := rm.Proposal(id)
		if err != nil {
			return false, err
		}
		values = p.Values
	}
	t, err := rm.DraftText(c.Party, clauses, values)
	if err == nil {
		v.Done = fmt.Sprintf("Version %d of the text is recorded; each party confirms it with its signature.", t.Version)
	}
	return err == nil, err
}

// talksMessage: a party writes to the mediator; the mediator relays a
// message, or writes its own, held until released.
func (s *Server) talksMessage(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	f := r.PostForm
	now := time.Now().UTC()
	var tally talks.Tally
	var err error
	tally.Messages, tally.Sent, err = s.cfg.Rooms.CountMessages(r.Context(), rm.ID, c.Party, rm.Round)
	if err != nil {
		return false, err
	}
	var m talks.Message
	if c.Party == rm.Mediator {
		var of *talks.Message
		if id := f.Get("relay_of"); id != "" {
			found, err := s.messages(r.Context(), rm.ID, []string{id})
			if err != nil {
				return false, err
			}
			if len(found) == 0 {
				return false, badRequest("relay_of", "no message %q", id)
			}
			of = &found[0]
		}
		m, err = rm.Relay(c.Party, of, f.Get("body"), f["to"], f.Get("mask") != "", now, tally)
	} else {
		m, err = rm.Send(c.Party, f.Get("kind"), f.Get("body"), f.Get("proposal"), now, tally)
	}
	if err != nil {
		return false, err
	}
	row, err := talks.MarshalMessage(m)
	if err == nil {
		err = s.cfg.Rooms.AddMessage(r.Context(), rm.ID, m.ID, c.Party, m.Round, row)
	}
	if err == nil {
		v.Done = "Message " + m.ID + " sent to the mediator."
		if c.Party == rm.Mediator {
			v.Done = "Relay " + m.ID + " is held: release it to reach its recipients."
		}
	}
	return false, err // a row of its own: the room is not rewritten
}

// talksReleaseMessages: the mediator releases held relays to their
// recipients at once.
func (s *Server) talksReleaseMessages(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	if c.Party != rm.Mediator {
		return false, fmt.Errorf("%w: only the mediator releases", talks.ErrForbidden)
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 || len(ids) > maxReleaseIDs {
		return false, badRequest("ids", "choose between 1 and %d relays to release", maxReleaseIDs)
	}
	found, err := s.messages(r.Context(), rm.ID, append([]string{}, ids...))
	if err != nil {
		return false, err
	}
	released, err := rm.Release(c.Party, ids, found, time.Now().UTC())
	if err != nil {
		return false, err
	}
	rows := map[string][]byte{}
	for _, m := range released {
		if rows[m.ID], err = talks.MarshalMessage(m); err != nil {
			return false, err
		}
	}
	if err = s.cfg.Rooms.UpdateMessages(r.Context(), rm.ID, rows); err == nil {
		v.Done = "Released to their recipients: " + strings.Join(ids, ", ") + "."
	}
	return false, err
}
