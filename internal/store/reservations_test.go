package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

// The duplicate check in the index: a reserved record is refused as being
// appended, an indexed one as at its index (by bytes or by id), from any
// connection to the same database; indexing ends the reservation; releasing
// ends only the releaser's own; references must be in the log or being
// appended.
func TestReservations(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := open(t, dsn)
		other := open(t, dsn) // another process sharing the index
		es := sample(t)
		claim := func(e store.Entry, token string) record.Claim { return record.ClaimOf(e.Signed, token) }
		reserve := func(s *store.Store, c record.Claim) *record.Conflict {
			t.Helper()
			conflict, err := s.Reserve(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			return conflict
		}
		if err := s.Index(ctx, es[:1]); err != nil {
			t.Fatal(err)
		}
		if c := reserve(s, claim(es[1], "a")); c != nil {
			t.Fatalf("a new record: %+v, want it reserved", c)
		}
		sameID := entry(t, 9, record.InspectionFinding, es[1].Signed.Record.ID, record.FindingBody{Site: "Fordow", Date: "2025-02-01", Finding: "other", Verdict: "consistent"})
		for _, c := range []struct {
			name  string
			claim record.Claim
			want  record.Conflict
		}{
			{"the same record, being appended", claim(es[1], "b"), record.Conflict{Field: "entry", Pending: true}},
			{"its id, being appended", claim(sameID, "b"), record.Conflict{Field: "id", Pending: true}},
			{"an indexed record", claim(es[0], "b"), record.Conflict{Field: "entry", Index: 0}},
		} {
			for name, st := range map[string]*store.Store{"same store": s, "other store": other} {
				if got := reserve(st, c.claim); got == nil || !reflect.DeepEqual(*got, c.want) {
					t.Errorf("%s (%s): got %+v, want %+v", c.name, name, got, c.want)
				}
			}
		}
		if n, _ := s.Reservations(ctx); n != 1 {
			t.Errorf("%d reservations after refusals, want 1", n)
		}
		if s.Dialect() == store.SQLite {
			// Reservations are committed without waiting for the disk;
			// everything else still is.
			if n, err := s.Synchronous(ctx); err != nil || n != 2 {
				t.Errorf("synchronous = %d (%v) after reservations, want 2 (FULL)", n, err)
			}
		}

		// Another append's release leaves the reservation; indexing ends it.
		if err := other.Release(ctx, claim(es[1], "b")); err != nil {
			t.Fatal(err)
		}
		if got := reserve(other, claim(es[1], "b")); got == nil || !got.Pending {
			t.Errorf("after another token's release: %+v, want still being appended", got)
		}
		if err := s.Index(ctx, es[1:2]); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Reservations(ctx); n != 0 {
			t.Errorf("%d reservations after indexing, want 0", n)
		}
		if got := reserve(other, claim(sameID, "c")); got == nil || !reflect.DeepEqual(*got, record.Conflict{Field: "id", Index: 1}) {
			t.Errorf("the id of an indexed record: %+v", got)
		}

		// Released, a record can be reserved again.
		if c := reserve(s, claim(es[2], "d")); c != nil {
			t.Fatal(c)
		}
		if err := s.Release(ctx, claim(es[2], "d")); err != nil {
			t.Fatal(err)
		}
		if c := reserve(other, claim(es[2], "e")); c != nil {
			t.Errorf("after its release: %+v, want it reserved", c)
		}
		if err := other.ReleaseReservations(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Reservations(ctx); n != 0 {
			t.Errorf("%d reservations after releasing all, want 0", n)
		}

		// References: indexed or being appended; corrects by the same author.
		if c := reserve(s, claim(es[3], "f")); c != nil {
			t.Fatal(c)
		}
		for _, c := range []struct {
			name  string
			claim record.Claim
			want  *record.Conflict
		}{
			{"refs an indexed record", record.Claim{ID: "r1", Author: "iaea", SHA256: "01", Refs: []string{"n-0"}, Token: "g"}, nil},
			{"refs one being appended", record.Claim{ID: "r2", Author: "iaea", SHA256: "02", Refs: []string{"f-3"}, Token: "g"}, nil},
			{"refs none", record.Claim{ID: "r3", Author: "iaea", SHA256: "03", Refs: []string{"n-0", "nowhere"}, Token: "g"}, &record.Conflict{Field: "refs", Value: "nowhere"}},
			{"corrects its author's", record.Claim{ID: "r4", Author: "iaea", SHA256: "04", Corrects: "f-1", Token: "g"}, nil},
			{"corrects another author's", record.Claim{ID: "r5", Author: "iran", SHA256: "05", Corrects: "f-1", Token: "g"}, &record.Conflict{Field: "corrects", Value: "f-1"}},
			// Its own reservation is no earlier record.
			{"refs itself", record.Claim{ID: "r6", Author: "iaea", SHA256: "06", Refs: []string{"r6"}, Token: "g"}, &record.Conflict{Field: "refs", Value: "r6"}},
			{"corrects itself", record.Claim{ID: "r7", Author: "iaea", SHA256: "07", Corrects: "r7", Token: "g"}, &record.Conflict{Field: "corrects", Value: "r7"}},
		} {
			if got := reserve(other, c.claim); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
			}
		}
	})
}

// Many claims in one transaction: each is refused by the claims before it
// in the batch as by any other reservation (same bytes or same id: being
// appended), and by reservations and records of earlier batches; a refused
// claim keeps nothing, the others are reserved; references may name a
// claim earlier in the batch.
func TestReserveAll(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		es := sample(t)
		s := indexed(t, dsn, es[:1])
		claim := func(e store.Entry, token string) record.Claim { return record.ClaimOf(e.Signed, token) }
		sameID := entry(t, 9, record.InspectionFinding, es[1].Signed.Record.ID, record.FindingBody{Site: "Fordow", Date: "2025-02-01", Finding: "other", Verdict: "consistent"})
		batch := []record.Claim{
			claim(es[1], "a"),
			claim(es[1], "b"),  // the same bytes, earlier in the batch
			claim(sameID, "c"), // the same id, earlier in the batch
			claim(es[0], "d"),  // an indexed record
			{ID: "r1", Author: "iaea", SHA256: "01", Refs: []string{"f-1"}, Token: "e"},     // refs a claim before it
			{ID: "r2", Author: "iaea", SHA256: "02", Refs: []string{"nowhere"}, Token: "f"}, // refs none
			claim(es[2], "g"),
		}
		want := []*record.Conflict{nil, {Field: "entry", Pending: true}, {Field: "id", Pending: true}, {Field: "entry", Index: 0}, nil, {Field: "refs", Value: "nowhere"}, nil}
		got, err := s.ReserveAll(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			for i := range want {
				t.Errorf("claim %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		if n, _ := s.Reservations(ctx); n != 3 {
			t.Errorf("%d reservations, want 3 (the refused claims keep nothing)", n)
		}
		// A second batch, from another connection: the first batch's
		// reservations refuse the same records; the one refused for its
		// reference is free.
		other := open(t, dsn)
		got, err = other.ReserveAll(ctx, []record.Claim{claim(es[2], "h"), {ID: "r2", Author: "iaea", SHA256: "02", Token: "i"}, claim(sameID, "j")})
		if err != nil {
			t.Fatal(err)
		}
		want = []*record.Conflict{{Field: "entry", Pending: true}, nil, {Field: "id", Pending: true}}
		if !reflect.DeepEqual(got, want) {
			for i := range want {
				t.Errorf("second batch, claim %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		// Once indexed, the record is refused at its index.
		if err := s.Index(ctx, es[1:2]); err != nil {
			t.Fatal(err)
		}
		got, err = other.ReserveAll(ctx, []record.Claim{claim(es[1], "k"), claim(sameID, "l")})
		if err != nil {
			t.Fatal(err)
		}
		if want := []*record.Conflict{{Field: "entry", Index: 1}, {Field: "id", Index: 1}}; !reflect.DeepEqual(got, want) {
			t.Errorf("after indexing: got %+v %+v, want %+v %+v", got[0], got[1], want[0], want[1])
		}
	})
}
