package talks

import (
	"fmt"
	"slices"

	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/warning"
)

// The inspection terms the model reads.
const (
	// TermInspectionInterval is the days between inspections at the
	// enrichment plants the proposal provides (1 for daily access).
	TermInspectionInterval = "inspection_interval_days"
	// TermOnlineMonitoring ("yes" or "no") is whether the proposal provides
	// online enrichment monitors and electronic seals.
	TermOnlineMonitoring = "online_monitoring"
)

// MetricWarningDays is breakout_days minus the median time to detect a
// breakout under the proposal's verification terms.
const MetricWarningDays = "warning_days"

// Samples of the time to detect behind warning_days: its median moves by
// well under a day between seeds at this count.
const warningSamples = 4000

// detection evaluates the time to detect under a proposal's inspection
// terms: the comprehensive safeguards agreement's inspections and material
// balance, whatever the proposal says (the safeguards agreement stands on
// its own), with the proposal's inspection interval in place of the
// safeguards agreement's where it gives one, and online monitors where it
// provides them. It returns the median days and the notes that say so.
func (m Model) detection(p Package, stockKgU float64) (float64, []string, error) {
	interval, hasInterval := number(p, TermInspectionInterval)
	monitors := p[TermOnlineMonitoring].Text == "yes"
	if hasInterval && !(interval > 0) {
		return 0, nil, input.Errorf("values."+TermInspectionInterval, "must be a number of days above 0, got %v", interval)
	}
	key := detectionKey{interval: interval, monitors: monitors, stock: stockKgU}
	d, ok := m.detections[key]
	if !ok {
		var err error
		if d, err = detectUnder(key); err != nil {
			return 0, nil, err
		}
		if m.detections != nil {
			m.detections[key] = d
		}
	}
	notes := []string{fmt.Sprintf("warning_days: breakout_days minus the median time to detect and report a breakout (%.1f days; model %s)", d, warning.ModelVersion)}
	switch {
	case hasInterval:
		notes = append(notes, fmt.Sprintf("inspections at the enrichment plants every %g days (the proposal)", interval))
	default:
		notes = append(notes, "inspections at the enrichment plants as under the comprehensive safeguards agreement: the proposal sets no interval")
	}
	if monitors {
		notes = append(notes, "online enrichment monitors and electronic seals (the proposal)")
	}
	return d, notes, nil
}

type detectionKey struct {
	interval float64
	monitors bool
	stock    float64
}

func detectUnder(k detectionKey) (float64, error) {
	acts := agreement.JCPOA().Verification
	pick := func(id string) warning.ActivityAt {
		i := slices.IndexFunc(acts, func(a warning.Activity) bool { return a.ID == id })
		return warning.ActivityAt{Activity: acts[i], State: warning.InForce}
	}
	inspections := pick("csa-inspections")
	if k.interval > 0 {
		inspections.Period = &warning.Range{Low: k.interval, High: k.interval}
	}
	r := warning.Regime{Access: "full", Activities: []warning.ActivityAt{inspections, pick("physical-inventory")}}
	if k.monitors {
		r.Activities = append(r.Activities, pick("online-monitors"))
	}
	d, err := warning.Detect(r, warning.DetectOptions{Samples: warningSamples, Seed: warning.DefaultSeed, LossKgU: k.stock})
	if err != nil {
		return 0, err
	}
	return *d.P50, nil
}
