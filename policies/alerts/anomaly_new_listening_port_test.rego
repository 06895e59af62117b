package posture.alerts.anomaly_new_listening_port

fx_listen(proto, address, port, process) := {"protocol": proto, "family": "ipv4", "address": address, "port": port, "process": process}

fx_snap(at, listening) := {"collectedAt": at, "network": {"status": "ok", "listening": listening}}

fx_ssh := fx_listen("tcp", "0.0.0.0", 22, "sshd")

fx_history := [
	fx_snap("2026-11-20T00:00:00Z", [fx_ssh]),
	fx_snap("2026-11-22T00:00:00Z", [fx_ssh, fx_listen("udp", "0.0.0.0", 68, null)]),
	fx_snap("2026-11-24T00:00:00Z", [fx_ssh]),
]

fx_inp(history, snap, params) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": params, "now": "2026-11-26T00:00:00Z"}

test_a_port_no_earlier_snapshot_showed_fires_with_the_window if {
	now := fx_snap("2026-11-25T00:00:00Z", [fx_ssh, fx_listen("tcp", "0.0.0.0", 4444, "kswapd0"), fx_listen("udp", "0.0.0.0", 68, null)])
	out := alerts with input as fx_inp(fx_history, now, {})
	count(out) == 1
	some a in out
	a.message == "tcp port 4444 is listening (kswapd0 on 0.0.0.0) and was not in the 3 earlier snapshots from 2026-11-20T00:00:00Z to 2026-11-24T00:00:00Z"
	a.start == "2026-11-24T00:00:00Z"
	a.end == "2026-11-25T00:00:00Z"
	a.evidence[0].baseline == {"snapshots": 3, "from": "2026-11-20T00:00:00Z", "to": "2026-11-24T00:00:00Z"}
}

test_known_loopback_ignored_or_too_little_history_is_quiet if {
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", [fx_ssh]), {})
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", [fx_listen("tcp", "127.0.0.1", 5432, "postgres")]), {})
	count(alerts) == 1 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", [fx_listen("tcp", "127.0.0.1", 5432, "postgres")]), {"include_loopback": true})
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", [fx_listen("tcp", "0.0.0.0", 8080, "java")]), {"ignore_ports": [8080]})
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", [fx_listen("tcp", "0.0.0.0", 8080, "java")]), {"min_history": 4})
}

test_without_history_or_known_ports_nothing_is_new if {
	new := fx_snap("2026-11-25T00:00:00Z", [fx_listen("tcp", "0.0.0.0", 4444, "x")])
	count(alerts) == 0 with input as fx_inp([], new, {})
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", null)], new, {})
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", null), {})
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
}

test_protocol_case_is_ignored if {
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", [fx_listen("TCP", "0.0.0.0", 22, "sshd")]), {})
}
