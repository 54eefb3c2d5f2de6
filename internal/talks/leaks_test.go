package talks_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/talks"
)

// A proposal that leaves a term open tells nobody but the party with a red
// line on it (and the mediator, under the standard policy) that there is
// such a red line. The US, asking about a proposal that leaves
// centrifuges_IR-1 open, used to get "the proposal leaves centrifuges_IR-1
// open: a red line on it cannot be checked": Iran's red line, and free of
// charge. Now every recipient gets an answer, counted, that names only its
// own red lines: the US's answer is the same whatever Iran's red line is
// on, but for whether all are met under the blind policy. (It does say
// that the metrics that depend on the open term are unknown, which the
// proposal alone tells.)
func TestFeasibilityTellsAPartyOnlyOfItsOwnRedLines(t *testing.T) {
	open := talks.Package{talks.TermEnrichmentCap: talks.Num(3.67), talks.TermStockpileCap: talks.Num(202.8), "centrifuges_IR-6": talks.Num(0)}
	iranLine := talks.Limit("centrifuges_IR-1", ">=", 5000)
	for _, policy := range []talks.Policy{talks.Standard, talks.Blind} {
		// The US's answer when Iran's red line is on a term the proposal sets.
		other := room(t, policy)
		submitBoth(t, other, redLines("us", talks.Limit(talks.TermEnrichmentCap, "<=", 3.67)), redLines("iran", talks.Limit(talks.TermStockpileCap, ">=", 0)))
		if _, err := other.Propose("oman", "oman", open, false); err != nil {
			t.Fatal(err)
		}
		usOther, err := other.Feasibility("us", "p1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		r := room(t, policy)
		submitBoth(t, r, redLines("us", talks.Limit(talks.TermEnrichmentCap, "<=", 3.67)), redLines("iran", iranLine))
		p, err := r.Propose("oman", "oman", open, false)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		answers := map[string]*talks.Report{}
		for _, who := range []string{"us", "iran", "oman"} {
			rep, err := r.Feasibility(who, p.ID, at)
			if err != nil {
				t.Fatalf("%s, %s policy: %v", who, policy, err)
			}
			answers[who] = rep
		}
		// Under the blind policy whether all are met is the answer, and
		// depends on every red line; nothing else may.
		usAnswer := *answers["us"]
		if policy == talks.Blind {
			usAnswer.AllMet, usOther.AllMet = nil, nil
		}
		us, _ := json.Marshal(usAnswer)
		want, _ := json.Marshal(usOther)
		if string(us) != string(want) || strings.Contains(string(us), "5000") {
			t.Errorf("%s policy: the US learns of Iran's red line:\n%s\nwith Iran's red line on another term:\n%s", policy, us, want)
		}
		if n := len(r.Ledger); n != 3 {
			t.Errorf("%s policy: %d queries logged, want 3", policy, n)
		}
		switch policy {
		case talks.Standard:
			if a := answers["us"]; !*a.OwnMet || a.AllMet != nil || a.Failing != nil || a.Unchecked != nil {
				t.Errorf("the US: %s", us)
			}
			if a := answers["iran"]; *a.OwnMet || len(a.Unchecked["iran"]) != 1 || a.Unchecked["iran"][0].Constraint.String() != iranLine.String() ||
				!strings.Contains(a.Unchecked["iran"][0].Reason, "leaves centrifuges_IR-1 open") || len(a.Unchecked) != 1 {
				t.Errorf("Iran is not told why its own red line fails: %+v", a)
			}
			if a := answers["oman"]; *a.AllMet || len(a.Failing["iran"]) != 1 || len(a.Unchecked["iran"]) != 1 || a.Failing["us"] != nil {
				t.Errorf("the mediator: %+v", a)
			}
		case talks.Blind:
			for who, a := range answers {
				if a.AllMet == nil || *a.AllMet || a.OwnMet != nil || a.Failing != nil || a.Unchecked != nil {
					t.Errorf("%s under the blind policy: %+v", who, a)
				}
			}
		}
	}
}

// Every feasibility question counts against the asker's budget, answered
// or not: a missing proposal, a held one (answered exactly as a missing
// one) and one the model cannot evaluate cost a query each, so probing is
// metered; the budget's refusal itself costs nothing and says nothing
// else.
func TestEveryFeasibilityQueryCounts(t *testing.T) {
	r := room(t, talks.Standard) // 3 queries a round
	submitBoth(t, r, redLines("us", talks.Limit(talks.MetricBreakoutDays, ">=", 180)),
		redLines("iran", talks.Limit(talks.TermEnrichmentCap, ">=", 3.67)))
	held, err := r.Hold("oman", "iran", jcpoaLike(), false, "")
	if err != nil {
		t.Fatal(err)
	}
	noModel, err := r.Propose("oman", "oman", talks.Package{"additional_protocol": {Text: "yes"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	_, errMissing := r.Feasibility("us", "p9", at)
	_, errHeld := r.Feasibility("us", held.ID, at)
	if errMissing == nil || errHeld == nil || strings.ReplaceAll(errHeld.Error(), held.ID, "p9") != errMissing.Error() {
		t.Errorf("a held and a missing proposal answer differently:\n%v\n%v", errHeld, errMissing)
	}
	if _, err := r.Feasibility("us", noModel.ID, at); err == nil {
		t.Error("a proposal without the model's terms was evaluated")
	}
	var in *input.Error
	if _, err := r.Feasibility("us", held.ID, at); !errors.As(err, &in) || in.Field != "budget" {
		t.Errorf("a fourth query: %v, want the budget's refusal", err)
	}
	if n := len(r.Ledger); n != 3 {
		t.Errorf("%d queries logged, want the 3 failed ones", n)
	}
	if rep, err := r.Feasibility("iran", noModel.ID, at); err == nil || rep != nil {
		t.Errorf("Iran: %v %v", rep, err)
	}
	if n := len(r.Ledger); n != 4 {
		t.Errorf("%d queries logged, want 4", n)
	}
}

// A party's message naming a held proposal is answered as one naming a
// missing proposal, so that messages cannot probe for held proposals.
func TestMessagesCannotProbeHeldProposals(t *testing.T) {
	r := room(t, talks.Standard)
	th := &thread{r: r}
	held, err := r.Hold("oman", "us", jcpoaLike(), false, "")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	_, errHeld := th.send(t, "iran", talks.KindCriticism, "about this one", held.ID, at)
	_, errMissing := th.send(t, "iran", talks.KindCriticism, "about this one", "p7", at)
	if errHeld == nil || errMissing == nil || strings.ReplaceAll(errHeld.Error(), held.ID, "p7") != errMissing.Error() {
		t.Errorf("a held and a missing proposal answer differently:\n%v\n%v", errHeld, errMissing)
	}
	if err := r.ReleaseProposal("oman", held.ID, at); err != nil {
		t.Fatal(err)
	}
	if _, err := th.send(t, "iran", talks.KindCriticism, "about this one", held.ID, at); err != nil {
		t.Errorf("a released proposal: %v", err)
	}
}
