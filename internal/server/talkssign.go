package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/talks"
)

// The steps of a round that put a participant's signature into the
// evidence log (a party's red lines, the mediator's release of a held
// proposal, a party's confirmation of the text) are signed in the room
// page with the participant's key, which the page reads from the key file
// and never sends: the server prepares, the browser signs.
//
// POST /talks/{room}/sign builds the exact unsigned talks_commitment
// record of the step (sealed to the author, the mediator and the server
// when the log keeps commitments confidential: the server is a recipient
// and holds what is committed to) and answers it with the bytes its hash
// is computed from. The page checks those bytes against what it shows and
// sent, the hash against them and the record's id against the hash, signs
// the record as a signed note, and posts it with the step's form, whose
// route takes the same step as the API's, the log checking the signature
// against its key registry as for any record.

// pageCaller is the caller of a room page's post: the sign-in cookie's
// token (posts carry it; sameOrigin has refused cross-site ones).
func (s *Server) pageCaller(r *http.Request) (caller, error) {
	c := callerOf(r)
	if r.Method == http.MethodPost {
		if ck, err := r.Cookie(tokenCookie); err == nil {
			if c, err = s.tokenCaller(r.Context(), ck.Value); unavailable(err) {
				return c, err // the token store is down: not the caller's fault
			}
		}
	}
	return c, nil
}

// signPrepared is what the room page signs, and what it checks first.
type signPrepared struct {
	Step string `json:"step"`
	// Record is the unsigned record's text, exactly as it is signed.
	Record string `json:"record"`
	// SHA256 is the hash committed to, of Preimage.
	SHA256   string `json:"sha256"`
	Preimage string `json:"preimage"`
	// Key is the name of the signed-in key, which must sign; Author its
	// party.
	Key      string `json:"key"`
	Author   string `json:"author"`
	Room     string `json:"room"`
	Mediator string `json:"mediator"`
	// To are the parties the record is sealed to (none: in clear).
	To []string `json:"to,omitempty"`
}

// talksPrepare answers the unsigned record of a step for the room page.
func (s *Server) talksPrepare(w http.ResponseWriter, r *http.Request) {
	c, err := s.pageCaller(r)
	if err == nil && c.anonymous() {
		err = unauthorized("sign in with your key's read token to take part in talks")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rm, unlock, err := s.room(r.Context(), r.PathValue("room"))
	defer unlock()
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := rm.ViewFor(c.Party); err != nil {
		s.fail(w, r, err) // not in the room
		return
	}
	p := signPrepared{Step: r.PostForm.Get("step"), Key: c.Key, Author: c.Party, Room: rm.ID, Mediator: rm.Mediator}
	var preimage []byte
	switch p.Step {
	case "red-lines":
		var rl talks.RedLines
		if rl, err = formRedLines(r, c, rm); err == nil {
			if p.SHA256, err = redLinesHash(c, rm, rl); err == nil {
				preimage = rl.Preimage()
			}
			err = submittedTwice(err)
		}
	case "release":
		var pr talks.Proposal
		if pr, err = heldProposal(c, rm, r.PostForm.Get("proposal")); err == nil {
			p.SHA256, preimage = rm.ReleaseHash(pr), rm.ReleasePreimage(pr)
		}
	case "confirm":
		var version int
		if version, err = strconv.Atoi(r.PostForm.Get("version")); err != nil {
			err = badRequest("version", "must be a number, got %q", r.PostForm.Get("version"))
		} else if p.SHA256, err = confirmable(c, rm, version); err == nil {
			preimage = rm.Texts[version-1].Preimage()
		}
	default:
		err = badRequest("step", "must be red-lines, release or confirm, got %q", p.Step)
	}
	if err == nil {
		p.Preimage = string(preimage)
		p.Record, p.To, err = s.unsignedCommitment(c, rm, p.SHA256)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, p)
}

// unsignedCommitment is the text of the caller's talks_commitment record
// of hash in the room, sealed as the log requires, before its signature.
func (s *Server) unsignedCommitment(c caller, rm *talks.Room, hash string) (string, []string, error) {
	body, err := json.Marshal(record.TalksCommitmentBody{Room: rm.ID, SHA256: hash})
	if err != nil {
		return "", nil, err
	}
	rec := &record.Record{Schema: record.Schema, Kind: record.TalksCommitment, ID: talks.CommitmentID(c.Party, hash), Author: c.Party,
		Created: time.Now().UTC().Truncate(time.Second), Body: body}
	var to []string
	if s.confidential(record.TalksCommitment) {
		to = recipientsOf(c.Party, rm.Mediator, s.cfg.Confidential.ServerParty())
		rcpts, err := record.Recipients(s.cfg.Confidential.Registry().Keys(), to)
		if err != nil {
			return "", nil, err
		}
		if rec, err = record.Seal(rec, to, rcpts); err != nil {
			return "", nil, err
		}
	} else if err := rec.Validate(); err != nil {
		return "", nil, err
	}
	text, err := rec.Canonical()
	if err != nil {
		return "", nil, err
	}
	return string(text) + "\n", to, nil
}

// logged records on the page a signed step the log took: what it did and
// the log's answer.
func (v *talksRoomView) logged(sub Submitted, done string) (bool, error) {
	v.Done, v.Logged = done, &sub
	return true, nil
}

// notTaken says that a signed step was refused and nothing kept, and why.
func notTaken(err error) error {
	return fmt.Errorf("your signed record was refused and nothing was kept: %w", err)
}

// submittedTwice says a party's second submission of its red lines in
// words, as the page speaks to the party; other errors are unchanged.
func submittedTwice(err error) error {
	var twice *talks.RedLinesSubmitted
	if !errors.As(err, &twice) {
		return err
	}
	w := twice.Words()
	return badRequest("red_lines", "%s", strings.ToUpper(w[:1])+w[1:])
}

// formCommitment is the signed record a form posts: a browser posts its
// line ends as CRLF, which the signed note (a record's JSON holds no CR of
// its own) had as LF.
func formCommitment(r *http.Request) string {
	return strings.ReplaceAll(r.PostForm.Get("commitment"), "\r\n", "\n")
}

// formRedLines reads a party's red lines from the room page's form: rows
// of subject, op and value (an empty value leaves the row out), and the
// salt the page drew.
func formRedLines(r *http.Request, c caller, rm *talks.Room) (talks.RedLines, error) {
	f := r.PostForm
	subjects, ops, values := f["subject"], f["op"], f["value"]
	if len(ops) != len(subjects) || len(values) != len(subjects) {
		return talks.RedLines{}, badRequest("constraints", "each red line needs a subject, an operator and a value")
	}
	rl := talks.RedLines{Room: rm.ID, Party: c.Party, Constraints: []talks.Constraint{}, Salt: f.Get("salt")}
	for i, subject := range subjects {
		v := strings.TrimSpace(values[i])
		if v == "" {
			continue
		}
		con := talks.Constraint{Subject: subject, Op: ops[i]}
		if t, ok := rm.Space.Term(subject); ok && t.Kind != talks.Numeric {
			con.Text = v
		} else {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return talks.RedLines{}, badRequest("constraints", "%s needs a number, got %q", constraintWords(&rm.Space, talks.Constraint{Subject: subject, Op: ops[i], Text: "…"}), v)
			}
			con.Value = &n
		}
		rl.Constraints = append(rl.Constraints, con)
	}
	return rl, nil
}

// talksSignedRedLines: a party submits its red lines, with the commitment
// the page signed.
func (s *Server) talksSignedRedLines(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	rl, err := formRedLines(r, c, rm)
	if err != nil {
		return false, err
	}
	commitment, sub, err := s.redLinesStep(r.Context(), c, rm, rl, formCommitment(r))
	if twice := submittedTwice(err); twice != err {
		return false, twice
	}
	if err != nil {
		return false, notTaken(err)
	}
	return v.logged(sub, fmt.Sprintf("Your red lines are submitted: their commitment %.16s… is in the evidence log at index %d, signed with your key.", commitment, sub.Index))
}

// talksSignedRelease: the mediator releases a held proposal, with the
// commitment the page signed.
func (s *Server) talksSignedRelease(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	id := r.PathValue("proposal")
	sub, err := s.releaseStep(r.Context(), c, rm, id, formCommitment(r))
	if err != nil {
		return false, notTaken(err)
	}
	return v.logged(sub, fmt.Sprintf("Proposal %s is released to every party; its hash is in the evidence log at index %d, signed with your key.", id, sub.Index))
}

// talksSignedConfirm: a party confirms a version of the text, with the
// commitment to its hash the page signed.
func (s *Server) talksSignedConfirm(r *http.Request, c caller, rm *talks.Room, v *talksRoomView) (bool, error) {
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil {
		return false, badRequest("version", "must be a number, got %q", r.PathValue("version"))
	}
	_, sub, final, err := s.confirmStep(r.Context(), c, rm, version, formCommitment(r))
	if err != nil {
		return false, notTaken(err)
	}
	done := fmt.Sprintf("You confirmed version %d of the text; your signature is in the evidence log at index %d.", version, sub.Index)
	if final {
		done += " Every party has confirmed it: the text is final."
	}
	return v.logged(sub, done)
}
