package report

// The plain-text result of an audit of a log that holds.

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// AuditSummary is what an audit that holds verified, for its text.
type AuditSummary struct {
	Origin string
	// Size is the tree's size; EntriesChecked the entries checked, from
	// FromSize on when Incremental.
	Size, FromSize, EntriesChecked uint64
	Root                           []byte
	Incremental                    bool
	// FullBecause says why the audit was a full one when it could have
	// been incremental.
	FullBecause string
	Cosigners   []string
	// Keys counts the keys of the key history; TilesChecked the tiles and
	// bundles checked; PriorSeen the checkpoints seen before.
	Keys, TilesChecked, PriorSeen int
	// Unpublished counts the files beyond the checkpoint; Superseded and
	// Stray name the files that prove nothing and may be removed.
	Unpublished       int
	Superseded, Stray []string
	// StateFile is where the auditor's state is kept.
	StateFile string
}

// TextAudit writes what an audit that holds checked, and the files it
// found that prove nothing.
func TextAudit(w io.Writer, a AuditSummary) error {
	count := func(n uint64) string { return group(strconv.FormatUint(n, 10)) }
	if a.Incremental {
		fmt.Fprintf(w, "audit OK: %s, %s entries, %s new entries checked (incremental from %s; --full to check all), root %x\n",
			a.Origin, count(a.Size), count(a.EntriesChecked), count(a.FromSize), a.Root)
	} else {
		fmt.Fprintf(w, "audit OK: %s, %s entries, all %s checked, root %x\n", a.Origin, count(a.Size), count(a.EntriesChecked), a.Root)
	}
	if a.FullBecause != "" {
		fmt.Fprintf(w, "  a full audit, as the state did not allow an incremental one: %s\n", a.FullBecause)
	}
	fmt.Fprintf(w, "  checkpoint signed by the operator and cosigned by %s\n", strings.Join(a.Cosigners, ", "))
	if a.Incremental {
		fmt.Fprintf(w, "  each new record's signature checked against the key history carried from the last audit (%d keys); %d tiles and bundles checked\n", a.Keys, a.TilesChecked)
		fmt.Fprintf(w, "  the tree extends the one verified at size %s, consistent with the %d checkpoint(s) seen before; state in %s\n", count(a.FromSize), a.PriorSeen, a.StateFile)
	} else {
		fmt.Fprintf(w, "  every record's signature checked against the key history (%d keys); %d tiles and bundles checked\n", a.Keys, a.TilesChecked)
		fmt.Fprintf(w, "  consistent with %d checkpoint(s) seen before; state in %s\n", a.PriorSeen, a.StateFile)
	}
	if a.Unpublished > 0 {
		fmt.Fprintf(w, "  note: %d tile or bundle file(s) reach beyond this checkpoint (entries the log holds that no published checkpoint covers yet: it is being written, or awaits its witnesses); their covered part was checked, the rest will be at the next audit\n",
			a.Unpublished)
	}
	if len(a.Superseded) > 0 {
		fmt.Fprintf(w, "  note: %d partial tile or bundle file(s) disagree with the tree but no checkpoint this auditor verified reads them (left by a crash, for entries sequenced again after the restart); they prove nothing and may be removed: %s\n",
			len(a.Superseded), strings.Join(a.Superseded, ", "))
	}
	if len(a.Stray) > 0 {
		fmt.Fprintf(w, "  note: %d stray file(s) under tile/ that no reader reads (temporary files of an interrupted write, such as on a full disk); they may be removed: %s\n",
			len(a.Stray), strings.Join(a.Stray, ", "))
	}
	return nil
}
