package accountancy

import (
	"fmt"
)

// Analysis is the material balance of one area and its tests: what the
// balance command prints and the balance page shows.
type Analysis struct {
	MBA           string         `json:"mba"`
	Site          string         `json:"site"`
	Uncertainties string         `json:"uncertainties"`
	Periods       []PeriodResult `json:"periods"`
	Tests         TestsView      `json:"tests"`
	Reports       []ReportCheck  `json:"operator_reports"`
	Verification  []Difference   `json:"operator_inspector_differences"`
	Unbalanced    int            `json:"inventory_changes_outside_periods"`
	Detection     *Detection     `json:"detection,omitempty"`
	// Seq and Results are the sequence and its tests, for charts.
	Seq     *Sequence `json:"-"`
	Results *Results  `json:"-"`
}

// PeriodResult is one period's balance with its MUF over sigma-MUF and
// whether it alarms.
type PeriodResult struct {
	Period string `json:"period"`
	Balance
	Ratio float64 `json:"muf_over_sigma"`
	Alarm bool    `json:"alarm"`
}

// TestsView are the sequence's tests: CUMUF, ITMUF, SITMUF and Page's test.
type TestsView struct {
	Alpha  float64   `json:"alpha"`
	CUMUF  CUMUFView `json:"cumuf"`
	ITMUF  []float64 `json:"itmuf_kg_u"`
	SITMUF []float64 `json:"sitmuf"`
	Page   PageView  `json:"page"`
	Note   string    `json:"note"`
}

// CUMUFView is the cumulative MUF of the last period and of each.
type CUMUFView struct {
	KgU      float64   `json:"kg_u"`
	SigmaKgU float64   `json:"sigma_kg_u"`
	Alarm    bool      `json:"alarm"`
	ByPeriod []float64 `json:"by_period_kg_u"`
}

// PageView is Page's test on SITMUF: its reference value, threshold,
// statistic and the period it alarms in, if any.
type PageView struct {
	K           float64   `json:"k"`
	Threshold   float64   `json:"threshold"`
	Statistic   []float64 `json:"statistic"`
	AlarmPeriod *string   `json:"alarm_period"`
}

// Detection is the probability that Page's test detects a loss.
type Detection struct {
	Loss        Loss    `json:"loss"`
	Probability float64 `json:"probability"`
	Trials      int     `json:"trials"`
}

// Analyze balances the periods the area's physical inventory listings
// bound, with the uncertainties of t, and runs the tests with o.
func Analyze(area *Area, t Table, o Options) (*Analysis, error) {
	periods, unbalanced, err := area.Periods()
	if err != nil {
		return nil, err
	}
	seq, err := Evaluate(periods, t)
	if err != nil {
		return nil, err
	}
	res, err := seq.Test(o)
	if err != nil {
		return nil, err
	}
	a := &Analysis{MBA: area.MBA, Uncertainties: t.Name, Reports: area.CheckReports(seq), Unbalanced: unbalanced,
		Verification: area.Differences(t), Seq: seq, Results: res}
	if a.Verification == nil {
		a.Verification = []Difference{}
	}
	if area.Decl != nil {
		a.Site = area.Decl.Site
	}
	for i, b := range seq.Balances {
		p := PeriodResult{Period: b.From.String() + "/" + b.To.String(), Balance: b, Alarm: res.PeriodAlarms[i]}
		if b.SigmaMUFKgU > 0 {
			p.Ratio = b.MUFKgU / b.SigmaMUFKgU
		}
		a.Periods = append(a.Periods, p)
	}
	n := len(seq.Balances)
	a.Tests = TestsView{Alpha: res.Alpha, ITMUF: res.ITMUF, SITMUF: res.SITMUF,
		CUMUF: CUMUFView{KgU: res.CUMUF.KgU[n-1], SigmaKgU: res.CUMUF.SigmaKgU[n-1], Alarm: res.CUMUF.Alarm, ByPeriod: res.CUMUF.KgU},
		Page:  PageView{K: res.Page.K, Threshold: res.Page.Threshold, Statistic: res.Page.Statistic},
		Note: fmt.Sprintf("each period alarms when MUF > %.3f sigma-MUF; CUMUF tests the last cumulative MUF the same way; Page's test runs on SITMUF with reference value k and a threshold simulated (100,000 sequences) for a false-alarm probability of %g over %d periods",
			ZQuantile(1-res.Alpha), res.Alpha, n)}
	if p := res.Page.AlarmPeriod; p != nil {
		a.Tests.Page.AlarmPeriod = &a.Periods[*p].Period
	}
	return a, nil
}

// Detect adds the probability that Page's test, with the options of the
// analysis, detects loss.
func (a *Analysis) Detect(loss Loss, o Options) error {
	p, err := a.Seq.DetectionProbability(loss, o)
	if err != nil {
		return err
	}
	a.Detection = &Detection{Loss: loss, Probability: p, Trials: 100_000}
	return nil
}
