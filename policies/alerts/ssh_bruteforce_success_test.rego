package posture.alerts.ssh_bruteforce_success

fx_base := 1795644600000000000 # 2026-11-25T22:10:00Z

fx_at(min) := time.format(fx_base + ((min * 60) * 1000000000))

fx_event(min, result, user, src) := {"time": fx_at(min), "result": result, "user": user, "sourceAddress": src, "method": "password", "service": "sshd"}

fx_inp(events) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_at(120), "events": {"status": "ok", "authentication": events}}, "history": []}], "parameters": {"min_failures": 10, "window_minutes": 60}, "now": fx_at(120)}

fx_burst(src, n) := [fx_event(i, "failure", ["root", "admin"][i % 2], src) | some i in numbers.range(0, n - 1)]

test_failures_then_success_from_the_same_address_fire if {
	events := array.concat(fx_burst("203.0.113.7", 12), [fx_event(15, "success", "deploy", "203.0.113.7"), fx_event(16, "success", "deploy", "203.0.113.7")])
	out := alerts with input as fx_inp(events)
	count(out) == 1
	some a in out
	a.entities == {"sourceAddress": "203.0.113.7", "account": "deploy", "accountsTried": ["admin", "root"]}
	a.start == "2026-11-25T22:10:00Z"
	a.end == "2026-11-25T22:25:00Z"
	contains(a.message, "then logged in as deploy with password")
	count(a.evidence) == 10
}

test_success_from_another_address_or_too_late_is_quiet if {
	other := array.concat(fx_burst("203.0.113.7", 12), [fx_event(15, "success", "deploy", "10.0.0.5")])
	count(alerts) == 0 with input as fx_inp(other)
	late := array.concat(fx_burst("203.0.113.7", 12), [fx_event(200, "success", "deploy", "203.0.113.7")])
	count(alerts) == 0 with input as fx_inp(late)
	few := array.concat(fx_burst("203.0.113.7", 5), [fx_event(6, "success", "deploy", "203.0.113.7")])
	count(alerts) == 0 with input as fx_inp(few)
}

test_missing_events_are_quiet if {
	count(alerts) == 0 with input as fx_inp(null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_at(0)}
}

test_case_variants if {
	events := array.concat([object.union(e, {"result": "Failure"}) | some e in fx_burst("2001:DB8::7", 12)], [fx_event(15, "SUCCESS", "deploy", "2001:db8::7")])
	out := alerts with input as fx_inp(events)
	count(out) == 1
}
