package ledger_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
)

const helperEnv = "ACCORD_LEDGER_APPEND_LOOP"

type helperConfig struct {
	Dir      string `json:"dir"`
	Operator string `json:"operator"`
	IAEA     string `json:"iaea"`
	Start    int    `json:"start"`
}

// appendLoopHelper runs in a child process: it opens the log and appends
// findings in a loop, printing "ok INDEX ID" after each append returns.
func appendLoopHelper() {
	var cfg helperConfig
	if err := json.Unmarshal([]byte(os.Getenv(helperEnv)), &cfg); err != nil {
		panic(err)
	}
	op, _ := note.NewSigner(cfg.Operator)
	iaea, _ := note.NewSigner(cfg.IAEA)
	ctx := context.Background()
	l, err := ledger.Open(ctx, ledger.POSIX(cfg.Dir), ledger.Options{Operator: op, CheckpointInterval: 100 * time.Millisecond, BatchMaxAge: 2 * time.Millisecond})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := cfg.Start; ; i++ {
		body, _ := json.Marshal(record.FindingBody{Site: "Natanz FEP", Date: "2026-02-01", Finding: fmt.Sprintf("check %d", i), Verdict: "consistent"})
		id := fmt.Sprintf("loop-%d", i)
		s, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.InspectionFinding, ID: id, Author: "iaea", Created: time.Now().UTC(), Body: body}, iaea)
		if err != nil {
			panic(err)
		}
		seq, err := l.Append(ctx, s)
		if err != nil {
			fmt.Fprintln(out, "error", err)
			out.Flush()
			os.Exit(1)
		}
		fmt.Fprintf(out, "ok %d %s\n", seq.Index, id)
		out.Flush()
	}
}

// kill -9 of a process appending in a loop, then a restart: every record
// whose append returned is present and the audit passes.
func TestKillNineLosesNoAcknowledgedRecord(t *testing.T) {
	f := newFixture(t, 0)
	l := f.create(t)
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	acked := map[uint64]string{}
	start := 0
	rounds := 5
	if testing.Short() {
		rounds = 2
	}
	for round := range rounds {
		cfg, _ := json.Marshal(helperConfig{Dir: f.dir, Operator: f.operator.skey, IAEA: f.iaea.skey, Start: start})
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+string(cfg))
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		n := 0
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) != 3 || fields[0] != "ok" {
				t.Fatalf("round %d: helper said %q", round, sc.Text())
			}
			idx, _ := strconv.ParseUint(fields[1], 10, 64)
			acked[idx] = fields[2]
			if n++; n == 40+round*13 {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		_ = cmd.Wait()
		start += 1000
	}
	// Restart: the log opens, publishes what it has, and holds every
	// acknowledged record.
	ctx := context.Background()
	l, err := ledger.Open(ctx, f.storage(), f.options())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	var maxIdx uint64
	for idx := range acked {
		maxIdx = max(maxIdx, idx)
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := l.Receipt(rctx, maxIdx); err != nil {
		t.Fatal(err)
	}
	for idx, id := range acked {
		e, err := l.Entry(ctx, idx)
		if err != nil {
			t.Fatalf("acknowledged index %d: %v", idx, err)
		}
		if !strings.Contains(string(e), `"id":"`+id+`"`) {
			t.Errorf("index %d does not hold %s", idx, id)
		}
	}
	res := audit(t, os.DirFS(f.dir), nil)
	if res.Problem != nil {
		t.Fatalf("audit after %d kills: %v", rounds, res.Problem)
	}
	t.Logf("%d kill -9 rounds, %d acknowledged records, all present; log size %d; audit passed", rounds, len(acked), res.Size)
}
