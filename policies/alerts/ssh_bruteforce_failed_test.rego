package posture.alerts.ssh_bruteforce_failed

fx_base := 1795644600000000000 # 2026-11-25T22:10:00Z

fx_at(min) := time.format(fx_base + ((min * 60) * 1000000000))

fx_fail(min, user, src) := {"time": fx_at(min), "result": "failure", "user": user, "sourceAddress": src, "method": "password", "service": "sshd"}

fx_machine(events) := {"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_at(120), "host": {"os": {"family": "linux"}}, "events": {"status": "ok", "authentication": events}}, "history": []}

fx_inp(events) := {"machines": [fx_machine(events)], "parameters": {"min_failures": 10, "window_minutes": 60}, "now": fx_at(120)}

fx_burst(src, n) := [fx_fail(i, ["root", "admin", "oracle"][i % 3], src) | some i in numbers.range(0, n - 1)]

test_many_failures_from_one_address_fire if {
	out := alerts with input as fx_inp(fx_burst("203.0.113.7", 12))
	count(out) == 1
	some a in out
	a.machine == "/m/web-01"
	a.entities == {"sourceAddress": "203.0.113.7", "accounts": ["admin", "oracle", "root"]}
	a.start == "2026-11-25T22:10:00Z"
	a.end == "2026-11-25T22:21:00Z"
	count(a.evidence) == 10
	startswith(a.message, "203.0.113.7 failed 12 SSH logins")
}

test_below_threshold_spread_out_or_followed_by_success_is_quiet if {
	count(alerts) == 0 with input as fx_inp(fx_burst("203.0.113.7", 9))
	spread := [fx_fail(i * 10, "root", "203.0.113.7") | some i in numbers.range(0, 11)]
	count(alerts) == 0 with input as fx_inp(spread)
	success := {"time": fx_at(30), "result": "success", "user": "deploy", "sourceAddress": "203.0.113.7", "method": "password"}
	count(alerts) == 0 with input as fx_inp(array.concat(fx_burst("203.0.113.7", 12), [success]))
	# the parameters decide
	inp := object.union(fx_inp(fx_burst("203.0.113.7", 9)), {"parameters": {"min_failures": "5", "window_minutes": 60}})
	count(alerts) == 1 with input as inp
}

test_invalid_user_markers_are_not_attempts if {
	markers := [{"time": fx_at(i), "result": "failure", "user": "x", "sourceAddress": "198.51.100.9", "method": null, "invalidUser": true} | some i in numbers.range(0, 11)]
	count(alerts) == 0 with input as fx_inp(markers)
}

test_missing_or_unreadable_events_are_quiet if {
	count(alerts) == 0 with input as fx_inp(null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x", "snapshot": {}}], "parameters": {}, "now": fx_at(0)}
	bad_time := [object.union(e, {"time": "yesterday"}) | some e in fx_burst("203.0.113.7", 12)]
	count(alerts) == 0 with input as fx_inp(bad_time)
	count(alerts) == 0 with input as {"machines": [], "parameters": {}, "now": fx_at(0)}
}

test_case_variants_count_as_one_source if {
	events := [object.union(e, {"result": "FAILURE", "sourceAddress": ["2001:DB8::7", "2001:db8::7"][i % 2]}) | some i, e in fx_burst("x", 12)]
	out := alerts with input as fx_inp(events)
	count(out) == 1
	some a in out
	a.entities.sourceAddress == "2001:db8::7"
}
