package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/record"
)

// accord serve warns at start when the log operator's party also holds a
// key of another role: every talks commitment is sealed to the operator's
// party, so that key opens them all. A log made by accord log init gives
// the operator a party of its own, serves without the warning, and has no
// member that shares the operator's party.
func TestServeWarnsWhenTheOperatorsPartyHoldsOtherKeys(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	cli := func(args ...string) {
		t.Helper()
		var out, errb strings.Builder
		if code := run(args, nil, &out, &errb); code != 0 {
			t.Fatalf("accord %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
	}
	for _, k := range []string{"accord.test/shared", "iaea", "iaea-press", "iran", "operator"} {
		cli("keygen", "--name", k, "--out", keys)
	}
	opFile := filepath.Join(keys, "accord.test_shared.key")
	pub := func(k string) string { return filepath.Join(keys, k+".pub") }

	// A log whose operator key is the IAEA's party's, as the demo's was,
	// and so are an inspectorate's and an observer's key.
	shared := filepath.Join(dir, "shared")
	op, opKey, opRcpt, err := app.OperatorKeys(opFile)
	if err != nil {
		t.Fatal(err)
	}
	g := record.GenesisBody{Origin: "accord.test/shared", Agreement: "jcpoa", Confidential: record.DefaultConfidential,
		Members: []record.Member{{Party: "iaea", Role: record.RoleOperator, Key: opKey, Recipient: opRcpt}}}
	for _, m := range [][2]string{{record.RoleInspectorate, "iaea"}, {record.RoleObserver, "iaea-press"}, {record.RoleState, "iran"}} {
		member, err := app.Member(m[0], pub(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if m[1] == "iaea-press" {
			member.Party = "iaea"
		}
		g.Members = append(g.Members, member)
	}
	body, _ := json.Marshal(g)
	genesis, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "iaea", Created: time.Now().UTC().Truncate(time.Second), Body: body}, op)
	if err != nil {
		t.Fatal(err)
	}
	id, err := app.OperatorIdentity(opFile)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), app.Config{Dir: shared, Operator: op, Identity: id, Genesis: genesis})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// The same members by accord log init, which refuses a member key
	// named as the operator's party.
	own := filepath.Join(dir, "own")
	var errb strings.Builder
	if code := run([]string{"log", "init", "--log", own, "--origin", "accord.test/shared", "--operator-key", opFile, "--member", "inspectorate:" + pub("operator")}, nil, &strings.Builder{}, &errb); code == 0 ||
		!strings.Contains(errb.String(), `a member's key named "operator" would belong to the log operator's party and open every record sealed to the operator`) {
		t.Errorf("log init with a member key named operator: exit %d %s", code, errb.String())
	}
	cli("log", "init", "--log", own, "--origin", "accord.test/shared", "--operator-key", opFile, "--member", "inspectorate:"+pub("iaea"), "--member", "state:"+pub("iran"))

	exe := accordExe(t)
	serve := func(log string) string {
		t.Helper()
		addr := freeAddr(t)
		var out bytes.Buffer
		cmd := exec.Command(exe, "serve", "--log", log, "--operator-key", opFile, "--addr", addr)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		err := waitHealthy("http://"+addr, time.Minute)
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		return out.String()
	}
	want := `accord: warning: the log operator's party "iaea" also holds the inspectorate key "iaea" and the observer key "iaea-press": every talks commitment is sealed to the operator's party, so whoever holds those keys opens every party's commitment from a copy of the log, not the server alone.`
	if got := serve(shared); !strings.Contains(got, want) {
		t.Errorf("serving a log whose operator is the IAEA's party:\n%s\nwant the warning\n%s", got, want)
	}
	if got := serve(own); strings.Contains(got, "warning") {
		t.Errorf("serving a log made by log init:\n%s", got)
	}
}
