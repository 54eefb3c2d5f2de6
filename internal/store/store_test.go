package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/store"
	"github.com/accordverify/accord/internal/store/storetest"
)

// eachStore runs a test against SQLite and, when ACCORD_TEST_POSTGRES holds
// a DSN, PostgreSQL (each test in a schema of its own).
func eachStore(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, filepath.Join(t.TempDir(), "index.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, postgresDSN(t))
	})
}

// postgresDSN gives the test a PostgreSQL schema of its own, or skips it.
func postgresDSN(t testing.TB) string { return storetest.PostgresDSN(t) }

func open(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// indexed opens the store at dsn and indexes entries in it.
func indexed(t *testing.T, dsn string, entries []store.Entry) *store.Store {
	t.Helper()
	s := open(t, dsn)
	if err := s.Index(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	return s
}

var signer = func() note.Signer {
	skey, _, _ := note.GenerateKey(rand.Reader, "iaea")
	s, _ := note.NewSigner(skey)
	return s
}()

func entry(t testing.TB, index uint64, kind record.Kind, id string, body any) store.Entry {
	t.Helper()
	b, _ := json.Marshal(body)
	r := &record.Record{Schema: record.Schema, Kind: kind, ID: id, Author: "iaea", Created: time.Date(2026, 1, 1, 0, 0, int(index), 0, time.UTC), Body: b}
	signed, err := record.Sign(r, signer)
	if err != nil {
		t.Fatal(err)
	}
	return store.Entry{Index: index, Signed: &record.Signed{Record: r, Bytes: signed}, Role: record.RoleInspectorate}
}

func sample(t *testing.T) []store.Entry {
	return []store.Entry{
		entry(t, 0, record.Notification, "n-0", record.NotificationBody{Subject: "start", Text: "log started"}),
		entry(t, 1, record.InspectionFinding, "f-1", record.FindingBody{Site: "Natanz FEP", Date: "2025-02-01", Finding: "ok", Verdict: "consistent"}),
		entry(t, 2, record.VerifiedInventory, "inv-2", record.InventoryBody{AsOf: "2025-02-08", TotalKgU: 8294.4,
			Levels: []record.InventoryLevel{{MaxAssayPct: 60, MassKgU: 274.8}}, Source: "GOV/2025/8"}),
		entry(t, 3, record.InspectionFinding, "f-3", record.FindingBody{Site: "Fordow", Date: "2025-03-01", Finding: "ok", Verdict: "anomaly"}),
		entry(t, 4, record.VerifiedFacts, "facts-4", record.FactsBody{Source: "notes", Facts: []record.Fact{
			{Metric: "centrifuges_enriching", Date: "2022-11-22", Site: "Fordow", Machine: "IR-6", Value: 332, Status: "sourced"},
			{Metric: "verification_access", Date: "2025-06-13", Text: "none", Status: "sourced"},
		}}),
		entry(t, 6, record.Declaration, "d-6", record.DeclarationBody{Site: "Isfahan", Statement: "stock", Items: []record.MaterialItem{
			{Material: "UF6", MassKgU: 100, AssayPct: 3.67}, {Material: "UO2", MassKgU: 5, AssayPct: 3.67}}}),
		entry(t, 5, record.CentrifugeInstallation, "c-5", record.CentrifugeBody{AsOf: "2021-03-15", Site: "Natanz FEP", Machine: "IR-1", Installed: 5060, Enriching: 5060}),
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := indexed(t, dsn, sample(t)[:2])
		s.Close()
		s2 := open(t, dsn)
		if n, err := s2.Size(context.Background()); err != nil || n != 2 {
			t.Errorf("after reopening: size %d, %v", n, err)
		}
	})
}

func TestIndexQueryGet(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := indexed(t, dsn, sample(t))
		ctx := context.Background()
		if n, _ := s.Size(ctx); n != 7 {
			t.Errorf("size %d, want 7", n)
		}
		got := func(f record.Filter) []uint64 {
			rows, err := s.Query(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var idx []uint64
			for _, r := range rows {
				idx = append(idx, r.Index)
			}
			return idx
		}
		after := uint64(1)
		cases := []struct {
			f    record.Filter
			want []uint64
		}{
			{record.Filter{Kind: "inspection_finding"}, []uint64{1, 3}},
			{record.Filter{Site: "Fordow"}, []uint64{3}},
			{record.Filter{From: "2025-02-05", To: "2025-02-28"}, []uint64{2}},
			{record.Filter{Author: "iaea", After: &after, Limit: 2}, []uint64{2, 3}},
			{record.Filter{Author: "iran"}, nil},
			{record.Filter{Material: "UO2"}, []uint64{6}},
			{record.Filter{Material: "UF6"}, []uint64{6}},
			{record.Filter{Material: "enriched uranium"}, []uint64{2}},
			{record.Filter{Material: "U"}, nil},
			// A kind only its authors read: another reader's pages skip it.
			{record.Filter{Private: "inspection_finding", Reader: "us"}, []uint64{0, 2, 4, 5, 6}},
			{record.Filter{Private: "inspection_finding", Reader: "us", After: &after, Limit: 1}, []uint64{2}},
			{record.Filter{Private: "inspection_finding", Reader: "iaea", After: &after, Limit: 1}, []uint64{2}},
			{record.Filter{Private: "inspection_finding", Reader: "iaea", Kind: "inspection_finding"}, []uint64{1, 3}},
		}
		for _, c := range cases {
			if g := got(c.f); !reflect.DeepEqual(g, c.want) {
				t.Errorf("%+v: got %v, want %v", c.f, g, c.want)
			}
		}
		r, err := s.Get(ctx, 2)
		if err != nil || r.ID != "inv-2" || r.AsOf != "2025-02-08" || r.Role != record.RoleInspectorate || !strings.Contains(string(r.Record), `"total_kg_u":8294.4`) {
			t.Errorf("Get(2) = %+v, %v", r, err)
		}
		if _, err := s.Get(ctx, 99); err != record.ErrNotFound {
			t.Errorf("Get(99) = %v", err)
		}
	})
}

// Indexing is all or nothing, idempotent for the same entry, and refuses
// another entry at an indexed position.
func TestIndexIsTransactional(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		es := sample(t)
		s := indexed(t, dsn, es[:3])
		ctx := context.Background()
		if err := s.Index(ctx, es[:4]); err != nil {
			t.Fatalf("re-indexing the same entries: %v", err)
		}
		other := entry(t, 4, record.Notification, "other", record.NotificationBody{Subject: "x", Text: "y"})
		clash := entry(t, 2, record.Notification, "clash", record.NotificationBody{Subject: "x", Text: "y"})
		if err := s.Index(ctx, []store.Entry{other, clash}); err == nil {
			t.Fatal("another entry at index 2 accepted")
		}
		if n, _ := s.Size(ctx); n != 4 {
			t.Errorf("size %d after a failed batch, want 4 (nothing of it written)", n)
		}
	})
}

func TestFactsFromRecords(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := indexed(t, dsn, sample(t))
		facts, err := s.Facts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		st := state.At(facts, calendar.MustParse("2025-02-10"))
		if !st.Inventory.Total.Known || st.Inventory.Total.Value != 8294.4 || st.Inventory.Total.Evidence[0].Ref != "log index 2" {
			t.Errorf("total = %+v", st.Inventory.Total)
		}
		if v := st.CentrifugeCount(state.CentrifugesEnriching, "Fordow", []string{"IR-6"}); v.Value != 332 {
			t.Errorf("Fordow IR-6 = %+v", v)
		}
		if v := st.CentrifugeCount(state.CentrifugesEnriching, "Natanz FEP", nil); v.Value != 5060 || v.Status != state.Sourced {
			t.Errorf("Natanz = %+v", v)
		}
		if later := state.At(facts, calendar.MustParse("2025-07-01")); later.Knowledge.Access != "none" {
			t.Errorf("access = %+v", later.Knowledge)
		}
	})
}

// Rebuilding the index from the same entries gives the same index.
func TestRebuildEqualsOriginal(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		ctx := context.Background()
		es := sample(t)
		for _, e := range es {
			if err := s.Index(ctx, []store.Entry{e}); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := s.All(ctx)
		if err := s.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Index(ctx, es); err != nil {
			t.Fatal(err)
		}
		after, _ := s.All(ctx)
		if !reflect.DeepEqual(before, after) || len(after) != 7 {
			t.Errorf("rebuilt index differs:\n%v\n%v", before, after)
		}
	})
}

// Talks rooms are saved, replaced and loaded, on both dialects.
func TestTalksRooms(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		ctx := context.Background()
		if _, err := s.LoadRoom(ctx, "muscat"); !errors.Is(err, record.ErrNotFound) {
			t.Fatalf("missing room: %v", err)
		}
		for _, state := range []string{`{"round":1}`, `{"round":2}`} {
			if err := s.SaveRoom(ctx, "muscat", []byte(state)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveRoom(ctx, "rome", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadRoom(ctx, "muscat")
		if err != nil || string(got) != `{"round":2}` {
			t.Errorf("load: %s %v", got, err)
		}
		if ids, err := s.RoomIDs(ctx); err != nil || len(ids) != 2 || ids[0] != "muscat" {
			t.Errorf("ids %v %v", ids, err)
		}
	})
}

// A talks room's messages are rows of their own: adding one inserts a row
// and leaves the room's state alone; they come back in order, all or by
// id, counted by sender and round; releasing relays updates them together,
// or none when an id is missing.
func TestTalksMessagesAreRows(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		ctx := context.Background()
		if err := s.SaveRoom(ctx, "muscat", []byte(`{"round":1}`)); err != nil {
			t.Fatal(err)
		}
		for i, m := range []struct {
			sender string
			round  int
		}{{"iran", 1}, {"oman", 1}, {"iran", 1}, {"iran", 2}} {
			if err := s.AddMessage(ctx, "muscat", fmt.Sprintf("m%d", i+1), m.sender, m.round, []byte(fmt.Sprintf(`{"id":"m%d"}`, i+1))); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddMessage(ctx, "rome", "m1", "us", 1, []byte(`{"id":"m1"}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMessage(ctx, "muscat", "m2", "us", 1, []byte(`{}`)); err == nil {
			t.Error("a second message m2 was stored")
		}
		if total, sent, err := s.CountMessages(ctx, "muscat", "iran", 1); err != nil || total != 4 || sent != 2 {
			t.Errorf("count: %d %d %v, want 4 messages, 2 of iran's in round 1", total, sent, err)
		}
		if total, sent, err := s.CountMessages(ctx, "nowhere", "iran", 1); err != nil || total != 0 || sent != 0 {
			t.Errorf("count of a room without messages: %d %d %v", total, sent, err)
		}
		str := func(ms [][]byte) string {
			var out []string
			for _, m := range ms {
				out = append(out, string(m))
			}
			return strings.Join(out, " ")
		}
		if got, err := s.Messages(ctx, "muscat", nil); err != nil || str(got) != `{"id":"m1"} {"id":"m2"} {"id":"m3"} {"id":"m4"}` {
			t.Errorf("messages: %s %v", str(got), err)
		}
		if got, err := s.Messages(ctx, "muscat", []string{"m3", "m9", "m1"}); err != nil || str(got) != `{"id":"m1"} {"id":"m3"}` {
			t.Errorf("messages by id: %s %v", str(got), err)
		}
		if err := s.UpdateMessages(ctx, "muscat", map[string][]byte{"m2": []byte(`{"id":"m2","released":1}`), "m9": []byte(`{}`)}); err == nil {
			t.Error("an update naming a missing message was accepted")
		}
		if err := s.UpdateMessages(ctx, "muscat", map[string][]byte{"m2": []byte(`{"id":"m2","released":1}`), "m3": []byte(`{"id":"m3","released":1}`)}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Messages(ctx, "muscat", nil); str(got) != `{"id":"m1"} {"id":"m2","released":1} {"id":"m3","released":1} {"id":"m4"}` {
			t.Errorf("after the update: %s", str(got))
		}
		if st, err := s.LoadRoom(ctx, "muscat"); err != nil || string(st) != `{"round":1}` {
			t.Errorf("the room's state changed: %s %v", st, err)
		}
	})
}

// Rooms stored before messages had rows of their own keep their messages:
// the migration moves them, in order, to rows counted by sender (the
// mediator for relays) and round, and takes them out of the room's state.
func TestMigrationMovesMessagesToRows(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		// Back to the schema before messages had rows (and before the
		// migrations that came after).
		for _, q := range []string{`DROP TABLE talks_messages`, `DROP TABLE reservations`, `DELETE FROM goose_db_version WHERE version_id >= 5`} {
			if err := s.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		old := `{"id":"muscat","mediator":"oman","round":2,"messages":[` +
			`{"id":"m1","round":1,"kind":"question","from":"iran","to":["oman"],"body":"q","at":"2025-04-12T10:00:00Z","origin":"iran"},` +
			`{"id":"m2","round":2,"kind":"relay","from":"iran","to":["us"],"body":"q","at":"2025-04-12T11:00:00Z","origin":"iran"}]}`
		for id, st := range map[string]string{"muscat": old, "rome": `{"id":"rome","messages":null}`, "oslo": `{"id":"oslo"}`} {
			if err := s.SaveRoom(ctx, id, []byte(st)); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		s = open(t, dsn)
		msgs, err := s.Messages(ctx, "muscat", nil)
		compact := func(b []byte) string { return strings.ReplaceAll(string(b), " ", "") } // PostgreSQL's jsonb spaces its text
		if err != nil || len(msgs) != 2 || !strings.Contains(compact(msgs[0]), `"id":"m1"`) || !strings.Contains(compact(msgs[1]), `"origin":"iran"`) {
			t.Fatalf("moved messages: %q %v", msgs, err)
		}
		if total, sent, err := s.CountMessages(ctx, "muscat", "oman", 2); err != nil || total != 2 || sent != 1 {
			t.Errorf("the relay is counted as the mediator's: %d %d %v", total, sent, err)
		}
		for _, id := range []string{"muscat", "rome", "oslo"} {
			st, err := s.LoadRoom(ctx, id)
			if err != nil || strings.Contains(string(st), "messages") || !strings.Contains(string(st), `"id"`) {
				t.Errorf("%s's state after the migration: %s %v", id, st, err)
			}
		}
	})
}

// Verify names the first row that differs from the log's entries, in both
// dialects.
func TestVerifyNamesTheDifference(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		es := sample(t)
		s := indexed(t, dsn, es)
		byIndex := make([]store.Entry, len(es))
		for _, e := range es {
			byIndex[e.Index] = e
		}
		if err := s.Verify(ctx, byIndex, false); err != nil {
			t.Fatalf("Verify on an honest index: %v", err)
		}
		other := byIndex[3]
		other.Role = record.RoleState
		var mm *store.MismatchError
		if err := s.Verify(ctx, []store.Entry{byIndex[2], other}, false); !errors.As(err, &mm) || mm.Index != 3 || mm.Column != "author_role" {
			t.Errorf("Verify with a different role at 3: %v, want a mismatch in author_role at 3", err)
		}
		beyond := entry(t, 9, record.Notification, "n-9", record.NotificationBody{Subject: "x", Text: "y"})
		if err := s.Verify(ctx, []store.Entry{beyond}, false); !errors.As(err, &mm) || mm.Index != 9 || mm.Column != "" {
			t.Errorf("Verify of an entry the index lacks: %v", err)
		}
		if err := s.Verify(ctx, []store.Entry{byIndex[2], beyond}, true); err != nil {
			t.Errorf("Verify with missingOK of an entry the index lacks: %v", err)
		}
	})
}

// A SQLite file that is not a database is set aside (kept) and a new,
// empty index made in its place.
func TestOpenRecoveringSetsADamagedFileAside(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	garbage := []byte(strings.Repeat("not a database, overwritten by a faulty disk\n", 200))
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(ctx, path); err == nil {
		t.Fatal("Open accepted a file that is not a database")
	}
	s, note, err := store.OpenRecovering(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.Contains(note, "set aside") {
		t.Errorf("note %q does not say the file was set aside", note)
	}
	if n, err := s.Size(ctx); err != nil || n != 0 {
		t.Errorf("the new index: size %d, %v", n, err)
	}
	kept, _ := filepath.Glob(path + ".corrupt-*")
	if len(kept) != 1 {
		t.Fatalf("set-aside files %v, want one", kept)
	}
	if b, _ := os.ReadFile(kept[0]); !bytes.Equal(b, garbage) {
		t.Error("the damaged file was not kept as it was")
	}
	// A healthy file is opened as it is, with no note.
	s.Close()
	s, note, err = store.OpenRecovering(ctx, path)
	if err != nil || note != "" {
		t.Fatalf("reopening a healthy index: %q %v", note, err)
	}
	s.Close()
}

// Expired challenges and tokens do not pile up: issuing a challenge
// deletes the expired ones, saving a token the expired tokens, in both
// dialects; the live ones stay usable.
func TestExpiredChallengesAndTokensArePurged(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		ctx := context.Background()
		now := time.Now()
		for i := range 50 {
			if err := s.SaveChallenge(ctx, fmt.Sprintf("old-%d", i), now.Add(-time.Duration(i+1)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveChallenge(ctx, "live", now.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Rows(ctx, "auth_challenges"); err != nil || n != 1 {
			t.Errorf("%d challenges kept after issuing one (%v), want only the live one", n, err)
		}
		if ok, err := s.TakeChallenge(ctx, "live", now); !ok || err != nil {
			t.Errorf("the live challenge: %v %v", ok, err)
		}
		for i, exp := range []time.Time{now.Add(-time.Hour), now.Add(-time.Millisecond), now.Add(time.Hour)} {
			if err := s.SaveToken(ctx, record.ReadToken{SHA256: fmt.Sprint(i), KeyName: "k", Party: "us", Role: "party", Expires: exp}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.Rows(ctx, "auth_tokens"); err != nil || n != 1 {
			t.Errorf("%d tokens kept (%v), want the one that has not expired", n, err)
		}
		if tok, err := s.LookupToken(ctx, "2"); err != nil || !tok.Expires.Equal(now.Add(time.Hour).Round(0)) {
			t.Errorf("the live token: %+v %v", tok, err)
		}
	})
}

// The SQLite index holds the talks rooms, red lines and their salts: its
// file and the -wal and -shm files beside it are its owner's only (0600),
// whether new or made by an earlier version with looser permissions.
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	older := filepath.Join(dir, "older.db")
	for _, p := range []string{older, older + "-wal"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{filepath.Join(dir, "index.db"), older} {
		s := open(t, path)
		ctx := context.Background()
		if err := s.SaveRoom(ctx, "muscat", []byte(`{"red_lines":{}}`)); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("%s is %v, want -rw-------", filepath.Base(p), m)
			}
		}
	}
}
