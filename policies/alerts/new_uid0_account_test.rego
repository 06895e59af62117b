package posture.alerts.new_uid0_account

fx_now := "2026-11-25T22:10:00Z"

fx_snap(at, uid0, changes) := {"collectedAt": at, "baseline": {"accounts": {"status": "ok", "uid0": uid0}}, "events": {"accountChanges": changes}}

fx_inp(history, snap) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": {}, "now": fx_now}

fx_added(user, uid) := {"time": "2026-11-25T21:00:00Z", "tool": "useradd", "action": "user-added", "user": user, "uid": uid, "gid": 0}

test_a_logged_uid0_account_or_a_new_one_against_history_fires if {
	out := alerts with input as fx_inp([], fx_snap(fx_now, ["root", "svc"], [fx_added("svc", 0)]))
	count(out) == 1
	some a in out
	a.entities == {"account": "svc", "uid": 0}
	a.message == "useradd gave account svc UID 0 (user-added) at 2026-11-25T21:00:00Z"
	old := fx_snap("2026-11-24T00:00:00Z", ["root"], [])
	{x.message | some x in alerts} == {"account toor has UID 0 and did not in the snapshot of 2026-11-24T00:00:00Z"} with input as fx_inp([old], fx_snap(fx_now, ["root", "toor"], []))
	# logged and new against history: one alert, the logged one
	count(alerts) == 1 with input as fx_inp([old], fx_snap(fx_now, ["root", "svc"], [fx_added("svc", 0)]))
}

test_ordinary_accounts_and_standing_uid0_are_quiet if {
	count(alerts) == 0 with input as fx_inp([], fx_snap(fx_now, ["root"], [fx_added("alice", 1001)]))
	old := fx_snap("2026-11-24T00:00:00Z", ["root", "toor"], [])
	count(alerts) == 0 with input as fx_inp([old], fx_snap(fx_now, ["root", "toor"], []))
	count(alerts) == 0 with input as fx_inp([], fx_snap(fx_now, ["root", "toor"], []))
}

test_unknown_lists_are_quiet if {
	unknown := fx_snap("2026-11-24T00:00:00Z", null, null)
	count(alerts) == 0 with input as fx_inp([unknown], fx_snap(fx_now, ["root", "toor"], null))
	count(alerts) == 0 with input as fx_inp([], {"collectedAt": fx_now})
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
	no_time := object.union(fx_added("svc", 0), {"time": null})
	count(alerts) == 0 with input as fx_inp([], fx_snap(fx_now, ["root"], [no_time]))
}

test_case_variants if {
	old := fx_snap("2026-11-24T00:00:00Z", ["root", "Toor"], [])
	count(alerts) == 0 with input as fx_inp([old], fx_snap(fx_now, ["root", "toor"], []))
	count(alerts) == 1 with input as fx_inp([old], fx_snap(fx_now, ["root", "toor", "SVC"], [fx_added("svc", 0)]))
}
