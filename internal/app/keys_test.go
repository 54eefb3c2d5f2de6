package app_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/keyfile"
)

// A log's members, witnesses and trust come from the parties' public key
// files; a witness serves from its key files until its context ends.
func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	newKey := func(name string) string {
		base, _, err := keyfile.Make(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		return base
	}
	op, us, w := newKey("accord.example/test"), newKey("us"), newKey("witness-us")

	signer, vkey, rcpt, err := app.OperatorKeys(op + ".key")
	if err != nil || signer.Name() != "accord.example/test" || !strings.HasPrefix(vkey, "accord.example/test+") || !strings.HasPrefix(rcpt, "age1") {
		t.Fatalf("operator keys: %v, %q, %q, %v", signer, vkey, rcpt, err)
	}
	if id, err := app.OperatorIdentity(op + ".key"); id == nil || err != nil {
		t.Errorf("operator identity: %v, %v", id, err)
	}
	if id, err := app.OperatorIdentity(filepath.Join(dir, "none.key")); id != nil || err != nil {
		t.Errorf("no identity file: got %v, %v; want none and no error", id, err)
	}
	m, err := app.Member("party", us+".pub")
	if err != nil || m.Party != "us" || m.Role != "party" || m.Recipient == "" {
		t.Errorf("member: %+v, %v", m, err)
	}
	if _, err := app.Witness(w+".pub", "not a url"); err == nil || !strings.Contains(err.Error(), "bad URL") {
		t.Errorf("a witness at a bad URL: got %v", err)
	}
	we, err := app.Witness(w+".pub", "http://127.0.0.1:7001")
	if err != nil || we.Party != "witness-us" || we.URL != "http://127.0.0.1:7001" {
		t.Errorf("witness: %+v, %v", we, err)
	}
	one := 1
	trust, err := app.Trust(context.Background(), app.TrustKeys{Operator: op + ".pub", Witnesses: []string{w + ".pub", w + ".pub"}, Required: &one})
	if err != nil || trust.Required != 1 || len(trust.Witnesses) != 2 || trust.Operator.Name() != "accord.example/test" {
		t.Errorf("trust: %+v, %v", trust, err)
	}
	if trust, err := app.Trust(context.Background(), app.TrustKeys{Operator: op + ".pub", Witnesses: []string{w + ".pub"}}); err != nil || trust.Required != 1 {
		t.Errorf("trust of every witness given: %+v, %v", trust, err)
	}
	if _, err := app.Trust(context.Background(), app.TrustKeys{Witnesses: []string{w + ".pub"}}); !errors.Is(err, app.ErrNoTrust) {
		t.Errorf("trust of no log nor operator key: %v, want ErrNoTrust", err)
	}

	ws, err := app.NewWitnessService(w+".key", op+".pub", filepath.Join(dir, "witness.json"))
	if err != nil {
		t.Fatal(err)
	}
	if ws.Name != "witness-us" || ws.LogName != "accord.example/test" || ws.CosignatureKey == "" {
		t.Errorf("witness service: %q %q %q", ws.Name, ws.LogName, ws.CosignatureKey)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ws.Serve(ctx, ln) }()
	resp, err := http.Post("http://"+ln.Addr().String()+"/add-checkpoint", "text/plain", strings.NewReader("not a checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("a malformed checkpoint: HTTP %d, want an error", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after its context ended: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

// MakeKeys writes a party's three files and gives its public keys; for a
// witness also the cosignature form. OperatorConfig opens the keys of the
// log's operator.
func TestMakeKeys(t *testing.T) {
	dir := t.TempDir()
	made, err := app.MakeKeys(dir, "accord.example/jcpoa", true)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "accord.example_jcpoa")
	if made.Key != base+".key" || made.Identity != base+".age" || made.Pub != base+".pub" {
		t.Errorf("files %s %s %s, want %s.key, .age and .pub", made.Key, made.Identity, made.Pub, base)
	}
	if !strings.HasPrefix(made.VerifierKey, "accord.example/jcpoa+") || !strings.HasPrefix(made.Recipient, "age1") || made.CosignatureKey == "" {
		t.Errorf("keys %q %q %q", made.VerifierKey, made.Recipient, made.CosignatureKey)
	}
	if _, err := app.MakeKeys(dir, "accord.example/jcpoa", false); err == nil {
		t.Error("MakeKeys over existing files: no error")
	}
	cfg, err := app.OperatorConfig("log", "", made.Key, map[string]string{"w": "http://127.0.0.1:1"})
	if err != nil || cfg.Operator.Name() != "accord.example/jcpoa" || cfg.Identity == nil || cfg.Dir != "log" || cfg.WitnessURLs["w"] == "" {
		t.Errorf("OperatorConfig = %+v, %v", cfg, err)
	}
}

// The trust a log names is its genesis record's, whatever key files are
// given besides.
func TestTrustFromLog(t *testing.T) {
	rl := newReplicaLog(t, "")
	a := rl.open(t, "http://writer.test:8080", true)
	if _, err := a.SubmitWaiting(context.Background(), rl.finding(t), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	a.Close()
	trust, err := app.Trust(context.Background(), app.TrustKeys{Log: rl.dir, Operator: filepath.Join(t.TempDir(), "none.pub")})
	if err != nil || trust.Operator.Name() != "accord.test/replicas" || len(trust.Witnesses) != 1 || trust.Required != 1 {
		t.Errorf("trust of the log: %+v, %v", trust, err)
	}
}

// A simulated log's keys are in DIR.keys beside it, a trailing slash or
// not.
func TestSimulationKeys(t *testing.T) {
	for dir, want := range map[string]string{"plant": "plant.keys", "runs/plant/": "runs/plant.keys"} {
		if got := app.SimulationKeys(dir); got != want {
			t.Errorf("SimulationKeys(%q) = %q, want %q", dir, got, want)
		}
	}
}
