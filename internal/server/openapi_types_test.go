package server

import (
	"time"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/talks"
)

// The answers the handlers build as maps, and the request bodies they
// decode into anonymous structs, written out as types for the document.
// The live test of every route (openapi_live_test.go) fails when one of
// them no longer says what the handler writes or reads.

type healthAnswer struct {
	Status string `json:"status" jsonschema:"enum=ok"`
}

type errorAnswer struct {
	Error Error `json:"error"`
}

type challengeAnswer struct {
	Challenge string    `json:"challenge"`
	Expires   time.Time `json:"expires"`
	Sign      string    `json:"sign"`
}

type tokenAnswer struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
	Party   string    `json:"party"`
	Role    string    `json:"role"`
	Key     string    `json:"key"`
}

type recordsAnswer struct {
	Records   []record.Row `json:"records"`
	NextAfter *uint64      `json:"next_after,omitempty"`
}

type recordAnswer struct {
	Record  record.Row      `json:"record"`
	Receipt *ledger.Receipt `json:"receipt"`
	Opened  *record.Record  `json:"opened,omitempty"`
}

type scenarioAnswer struct {
	Breakout breakout.Result `json:"breakout"`
}

type datasetAnswer struct {
	Name    string           `json:"name"`
	Columns []string         `json:"columns"`
	Reports []dataset.Report `json:"reports"`
	Facts   []state.Fact     `json:"facts"`
}

type clockAnswer struct {
	At        calendar.Date        `json:"at"`
	Deadlines []agreement.Deadline `json:"deadlines"`
}

type roomsAnswer struct {
	Rooms []roomListed `json:"rooms"`
}

type roomListed struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Role  string `json:"role" jsonschema:"enum=party,enum=mediator"`
}

type redLinesAnswer struct {
	Commitment string    `json:"commitment"`
	Log        Submitted `json:"log"`
}

type proposalAnswer struct {
	Proposal      talks.Proposal `json:"proposal"`
	ReleaseSHA256 string         `json:"release_sha256"`
	Log           *Submitted     `json:"log,omitempty"`
}

type releasedProposalAnswer struct {
	Released string    `json:"released"`
	Log      Submitted `json:"log"`
}

type notesAnswer struct {
	Notes int `json:"notes"`
}

type roundAnswer struct {
	Round int `json:"round"`
}

type releasedMessagesAnswer struct {
	Released []string `json:"released"`
}

type inboxAnswer struct {
	Messages []talks.Message `json:"messages"`
}

type textAnswer struct {
	Text   talks.Text `json:"text"`
	SHA256 string     `json:"sha256"`
}

type confirmAnswer struct {
	Version int       `json:"version"`
	SHA256  string    `json:"sha256"`
	Log     Submitted `json:"log"`
	Final   bool      `json:"final"`
}

// Request bodies decoded into anonymous structs.

type commitmentRequest struct {
	Commitment string `json:"commitment"`
}

type noteRequest struct {
	Text string `json:"text"`
}

type feasibilityRequest struct {
	Proposal string `json:"proposal"`
}

type zoneRequest struct {
	Fixed talks.Package `json:"fixed"`
}

type releaseMessagesRequest struct {
	IDs []string `json:"ids"`
}

type textRequest struct {
	Clauses []talks.Clause `json:"clauses"`
	Values  talks.Package  `json:"values"`
}

type spaceRequest struct {
	Terms []talks.Term `json:"terms"`
}

type exclusionRequest struct {
	Topic string `json:"topic"`
}
