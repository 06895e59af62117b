package posture.alerts.rdp_bruteforce

fx_base := 1795644600000000000

fx_at(min) := time.format(fx_base + ((min * 60) * 1000000000))

fx_failed(min, user, ip) := {"time": fx_at(min), "eventId": 4625, "channel": "Security", "data": {"IpAddress": ip, "TargetUserName": user, "LogonType": "3"}}

fx_logon(min, user, ip, type) := {"time": fx_at(min), "eventId": 4624, "channel": "Security", "data": {"IpAddress": ip, "TargetUserName": user, "LogonType": type}}

fx_inp(events) := {"machines": [{"id": "/m/sql-01", "hostname": "SQL-01", "snapshot": {"collectedAt": fx_at(120), "host": {"os": {"family": "windows"}}, "events": {"windows": events}}, "history": []}], "parameters": {"min_failures": 10, "window_minutes": 60}, "now": fx_at(120)}

fx_burst(ip) := [fx_failed(i, ["Administrator", "admin"][i % 2], ip) | some i in numbers.range(0, 11)]

test_failed_logons_then_an_rdp_logon_fire if {
	out := alerts with input as fx_inp(array.concat(fx_burst("203.0.113.50"), [fx_logon(14, "Administrator", "203.0.113.50", "10")]))
	count(out) == 1
	some a in out
	a.entities == {"sourceAddress": "203.0.113.50", "account": "Administrator", "accountsTried": ["Administrator", "admin"]}
	a.start == "2026-11-25T22:10:00Z"
	a.end == "2026-11-25T22:24:00Z"
	count(a.evidence) == 10
}

test_a_network_logon_another_address_or_few_failures_are_quiet if {
	count(alerts) == 0 with input as fx_inp(array.concat(fx_burst("203.0.113.50"), [fx_logon(14, "Administrator", "203.0.113.50", "3")]))
	count(alerts) == 0 with input as fx_inp(array.concat(fx_burst("203.0.113.50"), [fx_logon(14, "Administrator", "10.0.0.4", "10")]))
	count(alerts) == 0 with input as fx_inp(array.concat(array.slice(fx_burst("203.0.113.50"), 0, 5), [fx_logon(14, "Administrator", "203.0.113.50", "10")]))
}

test_missing_or_malformed_events_are_quiet if {
	count(alerts) == 0 with input as fx_inp(null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_at(0)}
	no_ip := [object.union(e, {"data": {"IpAddress": "-"}}) | some e in array.concat(fx_burst("x"), [fx_logon(14, "a", "x", "10")])]
	count(alerts) == 0 with input as fx_inp(no_ip)
}

test_case_and_type_variants if {
	events := array.concat(
		[{"time": e.time, "eventId": "4625", "data": {"ipaddress": "2001:DB8::50", "targetusername": "admin"}} | some e in fx_burst("x")],
		[{"time": fx_at(14), "eventId": 4624, "data": {"IPADDRESS": "2001:db8::50", "TargetUserName": "admin", "LogonType": 10}}],
	)
	count(alerts) == 1 with input as fx_inp(events)
}
