package app

// DemoOperatorParty makes the demo's log operator a key of party p, as
// demos made before the operator had a party of its own (p "iaea"), until
// restore is called.
func DemoOperatorParty(p string) (restore func()) {
	old := demoMembers[0].party
	demoMembers[0].party = p
	return func() { demoMembers[0].party = old }
}

// DemoEarlierSeriesIDs makes the demo's records of the public series take
// the ids an earlier version gave them, until restore is called.
func DemoEarlierSeriesIDs() (restore func()) {
	old := seriesID
	seriesID = func(ref, entry string) string { return "series-" + unsafeID.ReplaceAllString(ref, "-") }
	return func() { seriesID = old }
}

// Submission is what SubmitWaiting returns for the log's answer.
var Submission_ = submission
