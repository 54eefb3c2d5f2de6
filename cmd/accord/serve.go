package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/dataset"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/server"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/store"
)

// node adapts the ledger and the store to the interfaces the server
// declares.
type node struct {
	log   *ledger.Log
	index *store.Store
	wait  time.Duration
}

var rejectStatus = map[string]int{"duplicate": 409, "key": 403, "invalid": 400, "reference": 422}

func (n *node) Submit(ctx context.Context, entry []byte) (server.Submitted, error) {
	seq, r, err := n.log.Submit(ctx, entry, n.wait)
	var (
		re   *ledger.RejectError
		down *ledger.IndexDownError
		late *ledger.NotIndexedError
	)
	switch {
	case errors.As(err, &down):
		return server.Submitted{}, &server.Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "the index database is unavailable; nothing was stored, try again"}
	case errors.Is(err, ledger.ErrStorageFull):
		return server.Submitted{}, &server.Error{Status: http.StatusInsufficientStorage, Code: "storage_full",
			Message: "the log's disk is full: nothing was stored; submissions succeed again once the operator frees space"}
	case errors.As(err, &late):
		return server.Submitted{}, &server.Error{Status: http.StatusServiceUnavailable, Code: "not_indexed", Index: &late.Index,
			Message: fmt.Sprintf("the record is in the log at index %d but the index database is unavailable, so it is not acknowledged yet; it is indexed as soon as the database returns (submitting it again is refused as a duplicate at that index)", late.Index)}
	case errors.As(err, &re):
		e := &server.Error{Status: rejectStatus[re.Code], Code: re.Code, Message: re.Err.Error()}
		var fe *input.Error
		if errors.As(err, &fe) {
			e.Field = fe.Field
		}
		return server.Submitted{}, e
	case errors.Is(err, ledger.ErrNotPublished):
		return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author}, nil
	case err != nil:
		return server.Submitted{}, err
	}
	b, _ := json.Marshal(r)
	return server.Submitted{Index: seq.Index, ID: seq.ID, Kind: string(seq.Kind), Author: seq.Author, Receipt: b}, nil
}

func (n *node) Receipt(ctx context.Context, index uint64) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	r, err := n.log.Receipt(ctx, index)
	if err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

func (n *node) Checkpoint(ctx context.Context) ([]byte, error) { return n.log.Checkpoint(ctx) }

// Check verifies the entry at index as a reader would: its signature
// against the key registry, its inclusion proof against the latest
// published checkpoint, and that checkpoint's signatures.
func (n *node) Check(ctx context.Context, index uint64) (server.RecordCheck, error) {
	var c server.RecordCheck
	entry, err := n.log.Entry(ctx, index)
	if err != nil {
		return c, err
	}
	sum := sha256.Sum256(entry)
	c.EntrySHA256 = hex.EncodeToString(sum[:])
	if id, err := n.log.Identify(entry); err != nil {
		c.Signature = "not valid under the current key registry (" + err.Error() + "); accord audit checks it against the registry's history"
	} else {
		c.SignatureOK, c.Key, c.Role = true, id.KeyName, id.Role
	}
	trust, err := ledger.TrustFromGenesis(n.log.Genesis())
	if err != nil {
		return c, err
	}
	c.Required = trust.Required
	rctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	r, err := n.log.Receipt(rctx, index)
	if err != nil {
		c.Inclusion = err.Error()
		return c, nil
	}
	c.Checkpoint, c.ProofHashes = r.Checkpoint, len(r.InclusionProof)
	if r.Record != string(entry) {
		c.Inclusion = "the receipt's record differs from the log's entry"
		return c, nil
	}
	cp, err := r.Verify(trust)
	if err != nil {
		c.Inclusion = err.Error()
		return c, nil
	}
	_, cosigners, _ := trust.VerifyCheckpoint([]byte(r.Checkpoint))
	c.InclusionOK, c.TreeSize, c.RootHash, c.Cosigners = true, cp.Size, base64.StdEncoding.EncodeToString(cp.Hash), cosigners
	return c, nil
}

func (n *node) Query(ctx context.Context, f server.Filter) ([]server.Row, error) {
	rows, err := n.index.Query(ctx, store.Filter{Kind: f.Kind, Author: f.Author, Site: f.Site, Material: f.Material, From: f.From, To: f.To, After: f.After, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]server.Row, len(rows))
	for i, r := range rows {
		out[i] = server.Row(r)
	}
	return out, nil
}

func (n *node) Get(ctx context.Context, index uint64) (server.Row, error) {
	r, err := n.index.Get(ctx, index)
	if errors.Is(err, store.ErrNotFound) {
		return server.Row{}, server.ErrNotFound
	}
	return server.Row(r), err
}

// Facts are the index's facts with the continuity of knowledge its
// monitoring events give.
func (n *node) Facts(ctx context.Context) ([]state.Fact, error) {
	facts, err := n.index.Facts(ctx)
	if err != nil {
		return nil, err
	}
	var events []accountancy.Event
	err = n.each(ctx, string(record.MonitoringEvent), func(idx uint64, r *record.Record) {
		if e, ok := monitoringEvent(idx, r); ok {
			events = append(events, e)
		}
	})
	if err != nil {
		return nil, err
	}
	return append(facts, accountancy.Facts(accountancy.Continuity(events))...), nil
}

// each calls fn with every indexed record of kind, in log order.
func (n *node) each(ctx context.Context, kind string, fn func(uint64, *record.Record)) error {
	f := store.Filter{Kind: kind, Limit: 1000}
	for {
		rows, err := n.index.Query(ctx, f)
		if err != nil {
			return err
		}
		for _, row := range rows {
			var r record.Record
			if err := json.Unmarshal(row.Record, &r); err != nil {
				return fmt.Errorf("index %d: %w", row.Index, err)
			}
			fn(row.Index, &r)
		}
		if len(rows) < f.Limit {
			return nil
		}
		last := rows[len(rows)-1].Index
		f.After = &last
	}
}

// Books are the accountancy records of the index.
func (n *node) Books(ctx context.Context) (*accountancy.Books, error) {
	b := accountancy.NewBooks()
	var addErr error
	for _, k := range []record.Kind{record.MaterialBalanceArea, record.InventoryChange, record.PhysicalInventory, record.MaterialBalance, record.Measurement} {
		err := n.each(ctx, string(k), func(idx uint64, r *record.Record) {
			if err := b.Add(idx, r); err != nil && addErr == nil {
				addErr = fmt.Errorf("index %d: %w", idx, err)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return b, addErr
}

// rooms adapts the store's talks rooms to the server.
type rooms struct{ s *store.Store }

func (r rooms) SaveRoom(ctx context.Context, id string, state []byte) error {
	return r.s.SaveRoom(ctx, id, state)
}

func (r rooms) LoadRoom(ctx context.Context, id string) ([]byte, error) {
	b, err := r.s.LoadRoom(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, server.ErrNotFound
	}
	return b, err
}

func (r rooms) RoomIDs(ctx context.Context) ([]string, error) { return r.s.RoomIDs(ctx) }

var _ server.Log = (*node)(nil)
var _ server.Index = (*node)(nil)

// logFlags are the flags that open an existing log as its writer.
type logFlags struct {
	dir, operatorKey, db string
	witnessURLs          []string
}

func (f *logFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "dir", "", "the log directory (made by accord log init)")
	cmd.Flags().StringVar(&f.operatorKey, "operator-key", "", "the operator's private key file")
	cmd.Flags().StringVar(&f.db, "db", os.Getenv("ACCORD_DB"), "the index: a postgres:// URL, or a SQLite file (default DIR.index.db beside the log) [$ACCORD_DB]")
	cmd.Flags().StringArrayVar(&f.witnessURLs, "witness-url", nil, "NAME=URL overriding a witness address of the genesis record")
}

// openLog opens the index at dsn and the log in opts.Dir over it. A damaged
// SQLite index is set aside and an index that differs from the log is
// rebuilt from it; warn is told when either happens.
func openLog(ctx context.Context, dsn string, s ledger.Storage, opts ledger.Options, genesis []byte, warn func(string)) (*ledger.Log, *store.Store, error) {
	idx, note, err := store.OpenRecovering(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	if note != "" {
		warn(note)
	}
	opts.Index = idx
	var l *ledger.Log
	if genesis != nil {
		l, err = ledger.Create(ctx, s, opts, genesis)
	} else {
		l, err = ledger.Open(ctx, s, opts)
	}
	if err != nil {
		idx.Close()
		return nil, nil, err
	}
	if why := l.Rebuilt(); why != "" {
		warn(why)
	}
	return l, idx, nil
}

func (f *logFlags) open(ctx context.Context, warn io.Writer) (*ledger.Log, *store.Store, error) {
	if f.dir == "" || f.operatorKey == "" {
		return nil, nil, usageError{errors.New("--dir and --operator-key are required")}
	}
	op, _, err := loadSigner(f.operatorKey)
	if err != nil {
		return nil, nil, err
	}
	urls := map[string]string{}
	for _, w := range f.witnessURLs {
		name, u, ok := strings.Cut(w, "=")
		if !ok {
			return nil, nil, usageError{fmt.Errorf("--witness-url %q: want NAME=URL", w)}
		}
		urls[name] = u
	}
	dsn := f.db
	if dsn == "" {
		dsn = strings.TrimSuffix(f.dir, "/") + ".index.db"
	}
	return openLog(ctx, dsn, ledger.POSIX(f.dir), ledger.Options{Operator: op, WitnessURLs: urls}, nil, func(msg string) {
		fmt.Fprintf(warn, "accord: warning: %s\n", msg)
	})
}

func newServeCmd() *cobra.Command {
	var (
		lf   logFlags
		addr string
	)
	cmd := &cobra.Command{
		Use:   "serve --dir DIR --operator-key KEY [--db DSN] [--addr HOST:PORT]",
		Short: "Serve the dashboard and the JSON API over a log and its index (SQLite by default, PostgreSQL with --db)",
		Example: `  accord serve --dir evidence --operator-key keys/accord.example_jcpoa.key
  accord serve --dir evidence --operator-key keys/accord.example_jcpoa.key --db postgres://postgres@127.0.0.1:5432/accord`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			l, idx, err := lf.open(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer idx.Close()
			defer func() {
				cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = l.Close(cctx)
			}()
			n := &node{log: l, index: idx, wait: 5 * time.Second}
			logger := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), nil))
			srv := server.New(server.Config{Log: n, Index: n, LogFiles: ledger.NewFiles(l.Reader()), Agreement: agreement.JCPOA(), Dataset: dataset.Embedded(), Logger: logger,
				Auth: auth{idx, l}, Keys: auth{idx, l}, Rooms: rooms{idx}})
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			logger.Info("serving", "addr", ln.Addr().String(), "dashboard", "http://"+ln.Addr().String()+"/", "log", lf.dir, "index", idx.Dialect())
			return srv.Run(ctx, ln)
		},
	}
	lf.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", envOr("ACCORD_ADDR", "127.0.0.1:8080"), "address to serve on [$ACCORD_ADDR]")
	return cmd
}

func newReindexCmd() *cobra.Command {
	var lf logFlags
	cmd := &cobra.Command{
		Use:   "reindex --dir DIR --operator-key KEY [--db DSN]",
		Short: "Rebuild the index from the log",
		Long: `reindex empties the index and rebuilds it from every entry of the log,
replaying the key registry. The index holds nothing the log lacks, so this
is always safe; run it after restoring a database or on suspicion.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dsn := lf.db
			if dsn == "" {
				dsn = strings.TrimSuffix(lf.dir, "/") + ".index.db"
			}
			idx, err := store.Open(ctx, dsn)
			if err != nil {
				return err
			}
			if err := idx.Reset(ctx); err != nil {
				idx.Close()
				return err
			}
			idx.Close()
			l, idx, err := lf.open(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer idx.Close()
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = l.Close(cctx)
			n, err := idx.Size(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "reindexed %d entries into %s\n", n, idx.Dialect())
			return nil
		},
	}
	lf.register(cmd)
	return cmd
}

// auth adapts the store and the ledger's registry to the server's Auth
// and Keys.
type auth struct {
	index *store.Store
	log   *ledger.Log
}

func (a auth) SaveChallenge(ctx context.Context, nonce string, expires time.Time) error {
	return a.index.SaveChallenge(ctx, nonce, expires)
}

func (a auth) TakeChallenge(ctx context.Context, nonce string, now time.Time) (bool, error) {
	return a.index.TakeChallenge(ctx, nonce, now)
}

func (a auth) SaveToken(ctx context.Context, t server.Token) error {
	return a.index.SaveToken(ctx, store.Token(t))
}

func (a auth) LookupToken(ctx context.Context, sha string) (server.Token, error) {
	t, err := a.index.LookupToken(ctx, sha)
	return server.Token(t), err
}

func (a auth) Identify(signed []byte) (server.Identity, error) {
	id, err := a.log.Identify(signed)
	return server.Identity(id), err
}

func (a auth) Current(name string, hash uint32) bool { return a.log.KeyCurrent(name, hash) }
