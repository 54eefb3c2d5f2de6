package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/store"
)

// tenYears indexes ten years of records: a verified stock by level every
// month, the centrifuges at two sites every quarter, and a monitoring
// event and a finding every day (about 7,500 records).
func tenYears(b *testing.B, s *store.Store) {
	var es []store.Entry
	idx := uint64(0)
	add := func(kind record.Kind, id string, body any) {
		es = append(es, entry(b, idx, kind, id, body))
		idx++
	}
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 3653; d++ {
		day := start.AddDate(0, 0, d)
		ds := day.Format(time.DateOnly)
		add(record.MonitoringEvent, "m-"+ds, record.MonitoringBody{Site: "Natanz FEP", Device: "cam-1", Event: "heartbeat", At: day})
		add(record.InspectionFinding, "f-"+ds, record.FindingBody{Site: "Fordow", Date: ds, Finding: "routine", Verdict: "consistent"})
		if day.Day() == 1 {
			total := 100 + float64(d)
			add(record.VerifiedInventory, "inv-"+ds, record.InventoryBody{AsOf: ds, TotalKgU: total,
				Levels: []record.InventoryLevel{{MaxAssayPct: 5, MassKgU: total * 0.9}, {MaxAssayPct: 60, MassKgU: total * 0.1}}, Source: "test"})
			if day.Month()%3 == 1 {
				add(record.CentrifugeInstallation, "c1-"+ds, record.CentrifugeBody{AsOf: ds, Site: "Natanz FEP", Machine: "IR-1", Installed: 5060, Enriching: 5060})
				add(record.CentrifugeInstallation, "c2-"+ds, record.CentrifugeBody{AsOf: ds, Site: "Fordow", Machine: "IR-6", Installed: 1044, Enriching: 332})
			}
		}
	}
	for i := 0; i < len(es); i += 500 {
		if err := s.Index(context.Background(), es[i:min(i+500, len(es))]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatus is the status at a date over ten years of records, as
// GET /api/v1/status computes it: the facts from the index, the state,
// the findings, the clocks and breakout with its 10,000-sample band.
func BenchmarkStatus(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var dsn string
			if name == "sqlite" {
				dsn = b.TempDir() + "/index.db"
			} else {
				dsn = benchPostgres(b)
			}
			s, err := store.Open(context.Background(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			tenYears(b, s)
			n, _ := s.Size(context.Background())
			a := agreement.JCPOA()
			date := calendar.MustParse("2025-02-08")
			b.ResetTimer()
			for b.Loop() {
				facts, err := s.Facts(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := compliance.OverviewAt(a, facts, date, compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: 10000, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "records")
		})
	}
}

func benchPostgres(b *testing.B) string { return postgresDSN(b) }
