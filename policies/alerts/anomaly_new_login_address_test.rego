package posture.alerts.anomaly_new_login_address

fx_login(t, src, user) := {"time": t, "result": "success", "user": user, "sourceAddress": src, "method": "publickey"}

fx_snap(at, logins) := {"collectedAt": at, "events": {"status": "ok", "authentication": logins}}

fx_history := [
	fx_snap("2026-11-20T00:00:00Z", [fx_login("2026-11-19T10:00:00Z", "10.20.0.5", "deploy")]),
	fx_snap("2026-11-22T00:00:00Z", [fx_login("2026-11-21T10:00:00Z", "10.20.0.5", "deploy")]),
	fx_snap("2026-11-24T00:00:00Z", [fx_login("2026-11-23T10:00:00Z", "10.20.0.6", "deploy")]),
]

fx_inp(history, snap) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}

test_a_logon_from_a_new_address_fires_with_the_window if {
	now := fx_snap("2026-11-25T00:00:00Z", [fx_login("2026-11-23T10:00:00Z", "10.20.0.6", "deploy"), fx_login("2026-11-24T08:00:00Z", "192.0.2.44", "alice")])
	out := alerts with input as fx_inp(fx_history, now)
	count(out) == 1
	some a in out
	a.message == "alice logged on from 192.0.2.44 at 2026-11-24T08:00:00Z; no logon in the 3 earlier snapshots from 2026-11-20T00:00:00Z to 2026-11-24T00:00:00Z came from it"
	a.entities == {"sourceAddress": "192.0.2.44", "accounts": ["alice"]}
	win := {"collectedAt": "2026-11-25T00:00:00Z", "events": {"windows": [{"time": "2026-11-24T09:00:00Z", "eventId": 4624, "data": {"IpAddress": "198.51.100.3", "TargetUserName": "Administrator", "LogonType": "10"}}]}}
	count(alerts) == 1 with input as fx_inp(fx_history, win)
}

test_known_old_failed_or_local_logons_are_quiet if {
	now := fx_snap("2026-11-25T00:00:00Z", [
		fx_login("2026-11-24T08:00:00Z", "10.20.0.5", "deploy"),
		fx_login("2026-11-23T08:00:00Z", "192.0.2.99", "old"),
		object.union(fx_login("2026-11-24T08:00:00Z", "192.0.2.44", "x"), {"result": "failure"}),
		fx_login("2026-11-24T08:00:00Z", "127.0.0.1", "local"),
	])
	count(alerts) == 0 with input as fx_inp(fx_history, now)
}

test_without_history_or_known_logons_nothing_is_new if {
	now := fx_snap("2026-11-25T00:00:00Z", [fx_login("2026-11-24T08:00:00Z", "192.0.2.44", "alice")])
	count(alerts) == 0 with input as fx_inp([], now)
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", null)], now)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
}

test_address_and_result_case_is_ignored if {
	hist := [fx_snap("2026-11-24T00:00:00Z", [fx_login("2026-11-23T10:00:00Z", "2001:DB8::5", "deploy")])]
	now := fx_snap("2026-11-25T00:00:00Z", [object.union(fx_login("2026-11-24T08:00:00Z", "2001:db8::5", "deploy"), {"result": "SUCCESS"})])
	count(alerts) == 0 with input as fx_inp(hist, now)
}
