package posture.lib.alerts

test_window_start_finds_the_earliest_dense_run if {
	window_start([0, 5, 6, 7, 50], 3, 5) == 5
	window_start([0, 5, 6, 7, 50], 3, 10) == 0
	window_start([0, 1, 2], 3, 10) == 0
	not window_start([0, 20, 40], 2, 10)
	not window_start([], 1, 10)
	not window_start([1, 2], 0, 10)
}

test_snapshots_history_and_lists_are_total if {
	m := {"id": "/m", "snapshot": {"collectedAt": "2026-11-25T00:00:00Z", "x": [{"a": 1}, 2, "s"], "n": null}, "history": [{"collectedAt": "2026-11-20T00:00:00Z"}, "junk", {"collectedAt": "2026-11-24T00:00:00Z"}]}
	items(m, ["x"]) == [{"a": 1}]
	items(m, ["n"]) == []
	items({}, ["x"]) == []
	known(snapshot(m), ["x"])
	not known(snapshot(m), ["n"])
	strings(snapshot(m), ["x"]) == {"s"}
	count(history(m)) == 2
	previous(m).collectedAt == "2026-11-24T00:00:00Z"
	not previous({"snapshot": {}})
	snapshot({}) == {}
	str({"a": "b"}, "a") == "b"
	str({"a": 1}, "a") == ""
	str({}, "a") == ""
	str(null, "a") == ""
}

test_logins_leave_out_invalid_user_markers_and_bad_times if {
	m := {"snapshot": {"events": {"authentication": [
		{"time": "2026-11-25T00:00:00Z", "result": "Failure", "sourceAddress": "203.0.113.7", "method": null, "invalidUser": true, "user": "x"},
		{"time": "2026-11-25T00:00:01Z", "result": "Failure", "sourceAddress": "203.0.113.7", "method": "password", "invalidUser": true, "user": "x"},
		{"time": "bad", "result": "failure", "sourceAddress": "203.0.113.7"},
	]}}}
	ls := logins(m)
	count(ls) == 1
	ls[0].result == "failure"
	{s: [l.time | some l in g] | some s, g in by_source(ls, "failure")} == {"203.0.113.7": ["2026-11-25T00:00:01Z"]}
}

test_logins_group_by_source_in_time_order if {
	ls := [
		{"ns": 3, "time": "c", "result": "failure", "source": "b"},
		{"ns": 1, "time": "a", "result": "failure", "source": "a"},
		{"ns": 2, "time": "b", "result": "failure", "source": "a"},
		{"ns": 4, "time": "d", "result": "success", "source": "a"},
		{"ns": 5, "time": "e", "result": "failure", "source": ""},
	]
	{s: [l.time | some l in g] | some s, g in by_source(ls, "failure")} == {"a": ["a", "b"], "b": ["c"]}
	by_source([], "failure") == {}
}

test_windows_events_and_fields if {
	m := {"snapshot": {"events": {"windows": [
		{"time": "2026-11-25T00:00:00Z", "eventId": "4625", "data": {"ipaddress": "1.2.3.4", "LogonType": 3}},
		{"time": "2026-11-25T00:00:00Z", "eventId": 4624, "data": null},
		{"time": "x", "eventId": 4625},
	]}}}
	count(win_events(m, 4625)) == 1
	field(win_events(m, 4625)[0], "IpAddress") == "1.2.3.4"
	field(win_events(m, 4625)[0], "LogonType") == "3"
	field(win_events(m, 4624)[0], "IpAddress") == ""
}

test_launches_merge_processes_and_process_creation_events if {
	m := {"snapshot": {"collectedAt": "2026-11-25T00:00:00Z", "processes": {"running": [{"pid": 1, "exe": "/tmp/x (deleted)", "sha256": "AB"}]}, "events": {"windows": [{"time": "2026-11-24T00:00:00Z", "eventId": 4688, "data": {"NewProcessName": "C:\\x.exe", "CommandLine": "x.exe -a"}}]}}}
	ls := launches(m)
	ls[0] == {"time": "2026-11-25T00:00:00Z", "exe": "/tmp/x", "command": "", "user": "", "pid": 1, "sha256": "ab", "from": "process"}
	ls[1].command == "x.exe -a"
	ls[1].from == "event 4688"
}

fx_intel := {"indicators": [
	{"type": "ipv4-addr", "value": "198.51.100.0/24"},
	{"type": "ipv4-addr", "value": "203.0.113.7"},
	{"type": "ipv6-addr", "value": "2001:db8::/32"},
	{"type": "ipv4-addr", "value": "not-a-cidr/99"},
	{"type": "file:hashes.SHA-256", "value": "ABCD"},
	{"type": "domain-name", "value": "evil.example"},
	{"type": "url", "value": "http://x.example/A"},
]}

test_intelligence_matches_addresses_ranges_hashes_and_names if {
	address_indicator("198.51.100.9").value == "198.51.100.0/24" with data.posture.intel as fx_intel
	address_indicator("203.0.113.7").value == "203.0.113.7" with data.posture.intel as fx_intel
	address_indicator("2001:db8::1").value == "2001:db8::/32" with data.posture.intel as fx_intel
	not address_indicator("192.0.2.1") with data.posture.intel as fx_intel
	not address_indicator("garbage") with data.posture.intel as fx_intel
	not address_indicator("203.0.113.7")
	hash_indicator("abcd").value == "ABCD" with data.posture.intel as fx_intel
	not hash_indicator("") with data.posture.intel as fx_intel
	{i.value | some i in text_indicators("curl https://a.evil.example/ -o /tmp/x")} == {"evil.example"} with data.posture.intel as fx_intel
	{i.value | some i in text_indicators("wget HTTP://X.EXAMPLE/a")} == {"http://x.example/A"} with data.posture.intel as fx_intel
	count(text_indicators("notevil.example evil.example.org")) == 0 with data.posture.intel as fx_intel
	valid_ip("10.0.0.1")
	not valid_ip("10.0.0")
	not valid_ip("-")
}

test_baselines_count_the_history_that_knew_the_list if {
	m := {"snapshot": {}, "history": [
		{"collectedAt": "2026-11-20T00:00:00Z", "l": []},
		{"collectedAt": "2026-11-21T00:00:00Z", "l": null},
		{"collectedAt": "bad", "l": []},
		{"collectedAt": "2026-11-22T00:00:00Z", "l": ["a"]},
	]}
	b := baseline(m, ["l"]) with input.parameters as {}
	stated(b) == {"snapshots": 2, "from": "2026-11-20T00:00:00Z", "to": "2026-11-22T00:00:00Z"}
	window(b) == "the 2 earlier snapshots from 2026-11-20T00:00:00Z to 2026-11-22T00:00:00Z"
	not baseline(m, ["l"]) with input.parameters as {"min_history": 3}
	not baseline({"snapshot": {}}, ["l"]) with input.parameters as {}
	window({"snapshots": 1, "from": "a", "to": "a"}) == "the 1 earlier snapshot from a to a"
}
