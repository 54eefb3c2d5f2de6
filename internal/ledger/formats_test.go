package ledger_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

var updateDocs = flag.Bool("update-docs", false, "regenerate the examples in docs/formats.md")

const formatsDoc = "../../docs/formats.md"

var exampleBlock = regexp.MustCompile("(?s)```(?:json|text) ([a-z-]+-example|iaea-vkey)\n(.*?)\n```")

func docExamples(t *testing.T) (string, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(formatsDoc)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range exampleBlock.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	return string(b), out
}

// seeded makes a deterministic key, so that regenerated examples keep
// their keys.
func seeded(t testing.TB, name string) key {
	seed := sha256.Sum256([]byte("accord docs example " + name))
	return keyFrom(t, name, bytes.NewReader(seed[:]))
}

func generateExamples(t *testing.T, recordJSON string) map[string]string {
	iaea, op, wk := seeded(t, "iaea"), seeded(t, "accord.example/jcpoa"), seeded(t, "witness-us")
	srv := httptest.NewServer(newWitness(t, wk, op.vkey))
	defer srv.Close()
	g := record.GenesisBody{Origin: op.name, Agreement: "jcpoa", Members: []record.Member{
		{Party: "operator", Role: record.RoleOperator, Key: op.vkey},
		{Party: "iaea", Role: record.RoleInspectorate, Key: iaea.vkey},
	}, Witnesses: []record.WitnessEntry{{Party: "us", Key: cosignatureKey(t, wk.vkey), URL: "http://127.0.0.1:7001"}}, WitnessesRequired: 1}
	body, _ := json.Marshal(g)
	genesis, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "operator",
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Body: body}, op.signer)
	if err != nil {
		t.Fatal(err)
	}
	r, err := record.Parse([]byte(recordJSON))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := record.Sign(r, iaea.signer)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l, err := ledger.Create(ctx, ledger.POSIX(t.TempDir()), ledger.Options{Operator: op.signer, WitnessURLs: map[string]string{"witness-us": srv.URL},
		CheckpointInterval: 100 * time.Millisecond}, genesis)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	_, receipt, err := l.Submit(ctx, signed, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	rj, _ := json.MarshalIndent(receipt, "", "  ")
	return map[string]string{
		"iaea-vkey":             iaea.vkey,
		"signed-record-example": strings.TrimSuffix(string(signed), "\n"),
		"genesis-example":       strings.TrimSuffix(string(genesis), "\n"),
		"checkpoint-example":    strings.TrimSuffix(receipt.Checkpoint, "\n"),
		"receipt-example":       string(rj),
	}
}

// The examples in docs/formats.md are real: the signed record opens with
// the key shown, the genesis founds a registry, the checkpoint verifies
// under the genesis's trust, and the receipt proves the record's inclusion.
func TestFormatsDocExamples(t *testing.T) {
	doc, ex := docExamples(t)
	if *updateDocs {
		for name, v := range generateExamples(t, ex["record-example"]) {
			doc = strings.Replace(doc, "```text "+name+"\n"+ex[name]+"\n```", "```text "+name+"\n"+v+"\n```", 1)
			doc = strings.Replace(doc, "```json "+name+"\n"+ex[name]+"\n```", "```json "+name+"\n"+v+"\n```", 1)
		}
		if err := os.WriteFile(formatsDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		_, ex = docExamples(t)
	}
	rec, err := record.Parse([]byte(ex["record-example"]))
	if err != nil {
		t.Fatalf("record example: %v", err)
	}
	v, err := note.NewVerifier(ex["iaea-vkey"])
	if err != nil {
		t.Fatalf("iaea-vkey example: %v (run go test ./internal/ledger -run TestFormatsDocExamples -update-docs)", err)
	}
	signed := []byte(ex["signed-record-example"] + "\n")
	s, err := record.Open(signed, note.VerifierList(v))
	if err != nil {
		t.Fatalf("signed record example: %v", err)
	}
	canon, _ := rec.Canonical()
	if !strings.HasPrefix(string(signed), string(canon)+"\n\n— iaea ") || s.Record.ID != rec.ID {
		t.Errorf("the signed example is not the canonical form of the record example")
	}
	reg := &record.Registry{}
	gs, _, err := reg.Check([]byte(ex["genesis-example"]+"\n"), 0)
	if err != nil {
		t.Fatalf("genesis example: %v", err)
	}
	g, _ := record.DecodeBody[record.GenesisBody](gs.Record)
	trust, err := ledger.TrustFromGenesis(g)
	if err != nil {
		t.Fatal(err)
	}
	cp, cosigners, err := trust.VerifyCheckpoint([]byte(ex["checkpoint-example"] + "\n"))
	if err != nil || cp.Size != 2 || len(cosigners) != 1 {
		t.Fatalf("checkpoint example: %v, %v, %v", cp, cosigners, err)
	}
	r, err := ledger.ParseReceipt([]byte(ex["receipt-example"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Verify(trust); err != nil || r.Record != string(signed) || r.Index != 1 {
		t.Errorf("receipt example: %v", err)
	}
}

func cosignatureKey(t testing.TB, vkey string) string {
	t.Helper()
	k, err := ledger.CosignatureKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
