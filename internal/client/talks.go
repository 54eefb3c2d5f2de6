package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/talks"
)

// Room is one talks room on the server, acted in as the signed-in key.
type Room struct {
	c      *Client
	ID     string
	signer note.Signer
}

// Room returns the room id, acted in as signer (the key the client signed
// in with, which also signs the room's commitments).
func (c *Client) Room(id string, signer note.Signer) *Room {
	return &Room{c: c, ID: id, signer: signer}
}

// path is the API's path of the room, its id one segment of it.
func (r *Room) path(rest string) string { return "/api/v1/talks/rooms/" + url.PathEscape(r.ID) + rest }

// Party is the name of the key that acts in the room.
func (r *Room) Party() string { return r.signer.Name() }

// Open opens the room from a room file's terms (the mediator).
func (r *Room) Open(ctx context.Context, spec *talks.Spec) (talks.View, error) {
	var v talks.View
	err := r.c.Do(ctx, "POST", "/api/v1/talks/rooms", map[string]any{"id": r.ID, "title": spec.Title, "parties": spec.Parties, "space": spec.Space,
		"policy": spec.Policy, "budget_per_round": spec.Budget}, &v)
	return v, err
}

// View is the caller's view of the room.
func (r *Room) View(ctx context.Context) (*talks.View, error) {
	var v talks.View
	if err := r.c.Do(ctx, "GET", r.path(""), nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// RawView is the caller's view of the room as the server sends it.
func (r *Room) RawView(ctx context.Context) (json.RawMessage, error) {
	var v json.RawMessage
	err := r.c.Do(ctx, "GET", r.path(""), nil, &v)
	return v, err
}

// Commit signs a talks_commitment record of hash by the room's key; in a
// log that keeps talks commitments confidential, it is sealed to the key's
// party, the room's mediator and the server (which checks it), so that the
// members who copy the log learn nothing from it. Its id is opaque: derived
// from the author and the salted hash, it names neither the room nor what
// is committed.
func (r *Room) Commit(ctx context.Context, hash string) (string, error) {
	body, _ := json.Marshal(record.TalksCommitmentBody{Room: r.ID, SHA256: hash})
	rec := &record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: talks.CommitmentID(r.signer.Name(), hash), Author: r.signer.Name(),
		Created: time.Now().UTC().Truncate(time.Second), Body: body}
	keys, err := r.c.Keys(ctx)
	if err != nil {
		return "", fmt.Errorf("the log's key registry: %w", err)
	}
	if slices.Contains(keys.Confidential, record.TalksCommitment) {
		v, err := r.View(ctx)
		if err != nil {
			return "", err
		}
		to := []string{r.signer.Name(), v.Mediator, keys.ServerParty}
		rcpts, err := record.Recipients(keys.Keys, to)
		if err != nil {
			return "", err
		}
		if rec, err = record.Seal(rec, to, rcpts); err != nil {
			return "", err
		}
	}
	signed, err := record.Sign(rec, r.signer)
	return string(signed), err
}

// commitRelease signs the commitment to releasing a proposal to the
// parties.
func (r *Room) commitRelease(ctx context.Context, round int, values talks.Package, attribution, origin, salt string) (string, error) {
	return r.Commit(ctx, talks.ReleaseHash(r.ID, round, values, attribution, origin, salt))
}

// SubmitRedLines submits the key's red lines with the signed commitment to
// them; the log's record of the commitment comes back.
//
// A party that has submitted its red lines already is told so in words
// before anything is signed or sent.
func (r *Room) SubmitRedLines(ctx context.Context, rl talks.RedLines) (commitment string, logged server.Submitted, err error) {
	v, err := r.View(ctx)
	if err != nil {
		return "", server.Submitted{}, err
	}
	if c, done := v.Commitments[rl.Party]; done {
		return "", server.Submitted{}, errors.New((&talks.RedLinesSubmitted{Party: rl.Party, Commitment: c}).Words())
	}
	signed, err := r.Commit(ctx, rl.Commitment())
	if err != nil {
		return "", server.Submitted{}, err
	}
	var resp struct {
		Commitment string           `json:"commitment"`
		Log        server.Submitted `json:"log"`
	}
	err = r.c.Do(ctx, "POST", r.path("/red-lines"), map[string]any{"red_lines": rl, "commitment": signed}, &resp)
	return resp.Commitment, resp.Log, err
}

// Propose puts a package to the room (the mediator): origin is the party
// whose proposal it relays ("": the mediator's own), mask attributes it to
// the mediator, hold keeps it until released. A proposal released at once
// carries the signed commitment to its release.
func (r *Room) Propose(ctx context.Context, values talks.Package, origin string, mask, hold bool) (talks.Proposal, error) {
	req := map[string]any{"origin": origin, "values": values, "attribute_to_mediator": mask, "hold": hold}
	if !hold {
		salt := talks.NewSalt()
		req["salt"] = salt
		v, err := r.View(ctx)
		if err != nil {
			return talks.Proposal{}, err
		}
		o := origin
		if o == "" {
			o = r.signer.Name()
		}
		attribution := o
		if mask {
			attribution = r.signer.Name()
		}
		if req["commitment"], err = r.commitRelease(ctx, v.Round, values, attribution, o, salt); err != nil {
			return talks.Proposal{}, err
		}
	}
	var resp struct {
		Proposal talks.Proposal `json:"proposal"`
	}
	err := r.c.Do(ctx, "POST", r.path("/proposals"), req, &resp)
	return resp.Proposal, err
}

// Release releases a held proposal to every party at once (the mediator).
func (r *Room) Release(ctx context.Context, p talks.ProposalView) error {
	signed, err := r.commitRelease(ctx, p.Round, p.Values, p.Attribution, p.Origin, p.Salt)
	if err != nil {
		return err
	}
	return r.c.Do(ctx, "POST", r.path("/proposals/"+p.ID+"/release"), map[string]any{"commitment": signed}, nil)
}

// Feasibility asks whether a proposal meets the red lines; the answer says
// what the caller's role allows.
func (r *Room) Feasibility(ctx context.Context, proposal string) (talks.Report, error) {
	var rep talks.Report
	err := r.c.Do(ctx, "POST", r.path("/feasibility"), map[string]any{"proposal": proposal}, &rep)
	return rep, err
}

// AddText records a version of the single negotiating text (the mediator)
// and returns it with its hash.
func (r *Room) AddText(ctx context.Context, clauses []talks.Clause, values talks.Package) (talks.Text, string, error) {
	var resp struct {
		Text   talks.Text `json:"text"`
		SHA256 string     `json:"sha256"`
	}
	err := r.c.Do(ctx, "POST", r.path("/texts"), map[string]any{"clauses": clauses, "values": values}, &resp)
	return resp.Text, resp.SHA256, err
}

// Confirm signs the hash of a version of the text, computed here, and
// submits it; final says whether every party has now confirmed it. A
// version the key has confirmed before is an error that says so, and
// where the log holds that confirmation.
func (r *Room) Confirm(ctx context.Context, version int, t talks.Text) (logged server.Submitted, final bool, err error) {
	logged, final, err = r.confirm(ctx, version, t)
	if at, dup := Duplicate(err); dup {
		where := ""
		if at != "" {
			where = " (in the log at index " + at + ")"
		}
		return logged, final, fmt.Errorf("you already confirmed version %d of the text%s; nothing was changed", version, where)
	}
	return logged, final, err
}

func (r *Room) confirm(ctx context.Context, version int, t talks.Text) (logged server.Submitted, final bool, err error) {
	signed, err := r.Commit(ctx, t.Hash())
	if err != nil {
		return server.Submitted{}, false, err
	}
	var resp struct {
		Log   server.Submitted `json:"log"`
		Final bool             `json:"final"`
	}
	err = r.c.Do(ctx, "POST", r.path("/texts/"+strconv.Itoa(version)+"/confirm"), map[string]any{"commitment": signed}, &resp)
	return resp.Log, resp.Final, err
}

// Note records a private note of the mediator.
func (r *Room) Note(ctx context.Context, text string) error {
	return r.c.Do(ctx, "POST", r.path("/notes"), map[string]any{"text": text}, nil)
}

// Send writes a party's message to the mediator.
func (r *Room) Send(ctx context.Context, kind, body, proposal string) (talks.Message, error) {
	var m talks.Message
	err := r.c.Do(ctx, "POST", r.path("/messages"), map[string]any{"kind": kind, "body": body, "proposal": proposal}, &m)
	return m, err
}

// Relay relays a party's message (of), or the mediator's own (body), to
// parties; it is held until ReleaseMessages.
func (r *Room) Relay(ctx context.Context, of, body string, to []string, mask bool) (talks.Message, error) {
	var m talks.Message
	err := r.c.Do(ctx, "POST", r.path("/messages"), map[string]any{"relay_of": of, "body": body, "to": to, "attribute_to_mediator": mask}, &m)
	return m, err
}

// ReleaseMessages releases held relays to their recipients at once.
func (r *Room) ReleaseMessages(ctx context.Context, ids ...string) error {
	return r.c.Do(ctx, "POST", r.path("/messages/release"), map[string]any{"ids": ids}, nil)
}

// Inbox is the caller's messages.
func (r *Room) Inbox(ctx context.Context) ([]talks.Message, error) {
	var in struct {
		Messages []talks.Message `json:"messages"`
	}
	err := r.c.Do(ctx, "GET", r.path("/messages"), nil, &in)
	return in.Messages, err
}

// Zone explores the issue space for packages that meet every red line
// (the mediator), with the terms of fixed held.
func (r *Room) Zone(ctx context.Context, fixed talks.Package) (*talks.Zone, error) {
	var z talks.Zone
	if err := r.c.Do(ctx, "POST", r.path("/zone"), map[string]any{"fixed": fixed}, &z); err != nil {
		return nil, err
	}
	return &z, nil
}
