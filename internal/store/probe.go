package store

import (
	"context"
	"time"
)

// ProbeWrite commits one small write to the index (a row of its meta
// table), so that a readiness check learns whether the index takes writes
// now: a full disk or a read-only database refuses it, where a read still
// succeeds.
func (s *Store) ProbeWrite(ctx context.Context) (err error) {
	defer outage(&err)
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO meta (key, value) VALUES ('write_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
		time.Now().UTC().Format(time.RFC3339Nano))
	return err
}
