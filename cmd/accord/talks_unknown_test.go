package main

import (
	"strings"
	"testing"
)

// talks evaluate on a proposal that leaves centrifuges_IR-1 open says the
// breakout time is unknown and why, and that the US's red line on it is
// not checked and not met; it used to print 100,000 days, met.
func TestTalksEvaluateSaysWhatIsUnknown(t *testing.T) {
	var out, errb strings.Builder
	args := []string{"talks", "evaluate", "--room", "muscat-2025", "--set", "enrichment_cap_pct=3.67", "--set", "stockpile_cap_kg_u=200",
		"--set", "centrifuges_IR-6=0", "--set", "duration_years=10", "--set", "additional_protocol=yes"}
	if code := run(args, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	o := out.String()
	for _, want := range []string{
		"breakout_days          unknown: the proposal leaves centrifuges_IR-1 open",
		"warning_days           unknown: the proposal leaves centrifuges_IR-1 open",
		"us       meets its own red lines: no",
		"not checked, so not met (us): breakout_days >= 365: breakout_days is not known: the proposal leaves centrifuges_IR-1 open",
		"oman     meets every red line: no",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("the output does not say %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "100,000") || strings.Contains(o, "100000") {
		t.Errorf("an unknown breakout printed as a number:\n%s", o)
	}
}
