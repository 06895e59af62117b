package posture.alerts.intel_malicious_address

fx_now := "2026-11-25T22:10:00Z"

fx_intel := {"indicators": [
	{"type": "ipv4-addr", "value": "203.0.113.7", "description": "SSH scanner", "severity": "High", "source": "feed.json#indicator--a"},
	{"type": "ipv4-addr", "value": "198.51.100.0/24", "description": "bulletproof host", "severity": null, "source": "iocs.csv:2"},
	{"type": "ipv6-addr", "value": "2001:db8::66", "description": "v6 scanner", "severity": null, "source": "iocs.csv:3"},
]}

fx_login(t, result, src) := {"time": t, "result": result, "user": "root", "sourceAddress": src, "method": "password"}

fx_inp(events, windows) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_now, "events": {"authentication": events, "windows": windows}}, "history": []}], "parameters": {}, "now": fx_now}

test_logons_from_listed_addresses_fire if {
	events := [fx_login("2026-11-25T21:00:00Z", "failure", "203.0.113.7"), fx_login("2026-11-25T21:01:00Z", "failure", "203.0.113.7"), fx_login("2026-11-25T21:02:00Z", "success", "10.0.0.5")]
	out := alerts with input as fx_inp(events, []) with data.posture.intel as fx_intel
	count(out) == 1
	some a in out
	a.severity == "High"
	a.start == "2026-11-25T21:00:00Z"
	a.end == "2026-11-25T21:01:00Z"
	a.message == "203.0.113.7, a known malicious address (203.0.113.7: SSH scanner), made 2 logon attempts, all failed"
	# a CIDR range, and a Windows logon; no severity in the feed: the detection's own
	win := [{"time": "2026-11-25T21:30:00Z", "eventId": 4624, "data": {"IpAddress": "198.51.100.23", "TargetUserName": "Administrator", "LogonType": "10"}}]
	out2 := alerts with input as fx_inp([], win) with data.posture.intel as fx_intel
	some b in out2
	b.entities.indicator == "198.51.100.0/24"
	not b.severity
	endswith(b.message, "made 1 logon attempt, and logged on")
}

test_unlisted_addresses_are_quiet if {
	count(alerts) == 0 with input as fx_inp([fx_login("2026-11-25T21:00:00Z", "failure", "192.0.2.1")], []) with data.posture.intel as fx_intel
}

test_without_intel_or_events_nothing_is_matched if {
	count(alerts) == 0 with input as fx_inp([fx_login("2026-11-25T21:00:00Z", "failure", "203.0.113.7")], [])
	count(alerts) == 0 with input as fx_inp(null, null) with data.posture.intel as fx_intel
	count(alerts) == 0 with input as fx_inp([fx_login("2026-11-25T21:00:00Z", "failure", "not-an-ip")], [{"time": "2026-11-25T21:00:00Z", "eventId": 4625, "data": {"IpAddress": "-"}}]) with data.posture.intel as fx_intel
}

test_case_variants if {
	count(alerts) == 1 with input as fx_inp([fx_login("2026-11-25T21:00:00Z", "Failure", "2001:DB8::66")], []) with data.posture.intel as fx_intel
}
