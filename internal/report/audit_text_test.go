package report_test

import (
	"bytes"
	"testing"

	"github.com/accordverify/accord/internal/report"
)

// An audit that holds says what it checked, full or incremental, and
// names the files that prove nothing.
func TestTextAudit(t *testing.T) {
	full := report.AuditSummary{Origin: "accord.example/jcpoa", Size: 1234567, EntriesChecked: 1234567, Root: []byte{0xab, 0xcd},
		Cosigners: []string{"witness-iran", "witness-us"}, Keys: 5, TilesChecked: 42, PriorSeen: 2, StateFile: "audit.json"}
	incremental := full
	incremental.Incremental, incremental.FromSize, incremental.EntriesChecked = true, 1234000, 567
	incremental.FullBecause, incremental.Unpublished, incremental.Superseded, incremental.Stray = "", 1, []string{"tile/0/x.p/1"}, []string{"tile/.tmp1"}
	for _, c := range []struct {
		name string
		a    report.AuditSummary
		want string
	}{
		{"full", full, "audit OK: accord.example/jcpoa, 1,234,567 entries, all 1,234,567 checked, root abcd\n" +
			"  checkpoint signed by the operator and cosigned by witness-iran, witness-us\n" +
			"  every record's signature checked against the key history (5 keys); 42 tiles and bundles checked\n" +
			"  consistent with 2 checkpoint(s) seen before; state in audit.json\n"},
		{"incremental", incremental, "audit OK: accord.example/jcpoa, 1,234,567 entries, 567 new entries checked (incremental from 1,234,000; --full to check all), root abcd\n" +
			"  checkpoint signed by the operator and cosigned by witness-iran, witness-us\n" +
			"  each new record's signature checked against the key history carried from the last audit (5 keys); 42 tiles and bundles checked\n" +
			"  the tree extends the one verified at size 1,234,000, consistent with the 2 checkpoint(s) seen before; state in audit.json\n" +
			"  note: 1 tile or bundle file(s) reach beyond this checkpoint (entries the log holds that no published checkpoint covers yet: it is being written, or awaits its witnesses); their covered part was checked, the rest will be at the next audit\n" +
			"  note: 1 partial tile or bundle file(s) disagree with the tree but no checkpoint this auditor verified reads them (left by a crash, for entries sequenced again after the restart); they prove nothing and may be removed: tile/0/x.p/1\n" +
			"  note: 1 stray file(s) under tile/ that no reader reads (temporary files of an interrupted write, such as on a full disk); they may be removed: tile/.tmp1\n"},
	} {
		var b bytes.Buffer
		if err := report.TextAudit(&b, c.a); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}
