package client

import (
	"context"
	"encoding/json"
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

func (r *Room) path(rest string) string { return "/api/v1/talks/rooms/" + r.ID + rest }

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

// Commit signs a talks_commitment record of hash, with record id id, by the
// room's key.
func (r *Room) Commit(hash, id string) (string, error) {
	body, _ := json.Marshal(record.TalksCommitmentBody{Room: r.ID, SHA256: hash})
	signed, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: id, Author: r.signer.Name(),
		Created: time.Now().UTC().Truncate(time.Second), Body: body}, r.signer)
	return string(signed), err
}

// commitRelease signs the commitment to releasing a proposal to the
// parties.
func (r *Room) commitRelease(round int, values talks.Package, attribution, origin string) (string, error) {
	hash := talks.ReleaseHash(r.ID, round, values, attribution, origin)
	return r.Commit(hash, "release-"+r.ID+"-"+hash[:16])
}

// SubmitRedLines submits the key's red lines with the signed commitment to
// them; the log's record of the commitment comes back.
func (r *Room) SubmitRedLines(ctx context.Context, rl talks.RedLines) (commitment string, logged server.Submitted, err error) {
	signed, err := r.Commit(rl.Commitment(), "redlines-"+r.ID+"-"+rl.Party)
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
		if req["commitment"], err = r.commitRelease(v.Round, values, attribution, o); err != nil {
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
	signed, err := r.commitRelease(p.Round, p.Values, p.Attribution, p.Origin)
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
// submits it; final says whether every party has now confirmed it.
func (r *Room) Confirm(ctx context.Context, version int, t talks.Text) (logged server.Submitted, final bool, err error) {
	signed, err := r.Commit(t.Hash(), "confirm-"+r.ID+"-v"+strconv.Itoa(version)+"-"+r.signer.Name())
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
