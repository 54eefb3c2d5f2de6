package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

// SimulationKeys is the directory of the keys WriteSimulation makes for a
// log in dir: DIR.keys, beside it.
func SimulationKeys(dir string) string { return strings.TrimSuffix(dir, "/") + ".keys" }

// WriteSimulation makes keys beside dir (DIR.keys), creates a log there for
// the plant's material balance area mba, and appends the drafts signed by
// the plant's operator (the state); it returns how many it appended.
// progress, when not nil, is told how many drafts are appended.
func WriteSimulation(ctx context.Context, dir, mba string, drafts []accountancy.Draft, progress func(done, total int)) (int, error) {
	keysDir := SimulationKeys(dir)
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return 0, err
	}
	origin := "accord.simulate/" + mba
	signers := map[string]note.Signer{}
	vkeys := map[string]string{}
	for _, name := range []string{origin, "iran", "iaea"} {
		s, _, v, err := keyfile.Ensure(keysDir, name)
		if err != nil {
			return 0, err
		}
		signers[name], vkeys[name] = s, v
	}
	g := record.GenesisBody{Origin: origin, Agreement: "simulation", Members: []record.Member{
		{Party: "operator", Role: record.RoleOperator, Key: vkeys[origin]},
		{Party: "iran", Role: record.RoleState, Key: vkeys["iran"]},
		{Party: "iaea", Role: record.RoleInspectorate, Key: vkeys["iaea"]},
	}}
	body, _ := json.Marshal(g)
	created := drafts[0].Date.Time()
	genesis, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "operator", Created: created, Body: body}, signers[origin])
	if err != nil {
		return 0, err
	}
	l, err := ledger.Create(ctx, ledger.POSIX(dir), ledger.Options{Operator: signers[origin]}, genesis)
	if err != nil {
		return 0, err
	}
	var last uint64
	for i, d := range drafts {
		b, err := json.Marshal(d.Body)
		if err != nil {
			return i, err
		}
		rec := &record.Record{Schema: record.Schema, Kind: d.Kind, ID: d.ID, Author: "iran", Created: d.Date.Time().Add(time.Duration(i) * time.Second), Body: b}
		signed, err := record.Sign(rec, signers["iran"])
		if err != nil {
			return i, err
		}
		seq, err := l.Append(ctx, signed)
		if err != nil {
			return i, fmt.Errorf("%s %s: %w", d.Kind, d.ID, err)
		}
		last = seq.Index
		if progress != nil {
			progress(i+1, len(drafts))
		}
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, err = l.Receipt(rctx, last)
	cancel()
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := l.Close(cctx); err == nil {
		err = cerr
	}
	return len(drafts), err
}
