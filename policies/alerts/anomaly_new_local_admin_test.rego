package posture.alerts.anomaly_new_local_admin

fx_snap(at, admins) := {"collectedAt": at, "baseline": {"accounts": {"status": "ok", "admins": admins}}}

fx_history := [
	fx_snap("2026-11-20T00:00:00Z", ["deploy", "root"]),
	fx_snap("2026-11-22T00:00:00Z", ["deploy", "root"]),
	fx_snap("2026-11-24T00:00:00Z", ["deploy", "root"]),
]

fx_inp(history, snap) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}

test_a_new_administrator_fires_with_the_window if {
	out := alerts with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", ["deploy", "root", "svc-backup"]))
	count(out) == 1
	some a in out
	a.message == "svc-backup is a local administrator and was not in the 3 earlier snapshots from 2026-11-20T00:00:00Z to 2026-11-24T00:00:00Z"
	a.entities == {"account": "svc-backup"}
}

test_known_or_removed_administrators_are_quiet if {
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", ["deploy", "root"]))
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", ["root"]))
	# seen in any earlier snapshot counts
	mixed := [fx_snap("2026-11-20T00:00:00Z", ["alice"]), fx_snap("2026-11-24T00:00:00Z", [])]
	count(alerts) == 0 with input as fx_inp(mixed, fx_snap("2026-11-25T00:00:00Z", ["alice"]))
}

test_unknown_lists_or_no_history_are_quiet if {
	count(alerts) == 0 with input as fx_inp([], fx_snap("2026-11-25T00:00:00Z", ["x"]))
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", null)], fx_snap("2026-11-25T00:00:00Z", ["x"]))
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", null))
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
}

test_name_case_is_ignored if {
	hist := [fx_snap("2026-11-24T00:00:00Z", ["SQL-01\\Administrator"])]
	count(alerts) == 0 with input as fx_inp(hist, fx_snap("2026-11-25T00:00:00Z", ["sql-01\\administrator"]))
}
