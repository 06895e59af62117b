package posture.alerts.anomaly_new_service

fx_snap(at, enabled) := {"collectedAt": at, "baseline": {"services": {"status": "ok", "enabled": enabled}}}

fx_history := [
	fx_snap("2026-11-20T00:00:00Z", ["cron.service", "ssh.service"]),
	fx_snap("2026-11-24T00:00:00Z", ["cron.service", "ssh.service"]),
]

fx_inp(history, snap) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}

test_a_new_service_fires_with_the_window if {
	out := alerts with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", ["cron.service", "ssh.service", "kworker-update.service"]))
	count(out) == 1
	some a in out
	a.message == "service kworker-update.service is enabled and was not in the 2 earlier snapshots from 2026-11-20T00:00:00Z to 2026-11-24T00:00:00Z"
}

test_known_services_are_quiet if {
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", ["cron.service"]))
}

test_unknown_lists_or_no_history_are_quiet if {
	count(alerts) == 0 with input as fx_inp([], fx_snap("2026-11-25T00:00:00Z", ["x.service"]))
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", null)], fx_snap("2026-11-25T00:00:00Z", ["x.service"]))
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
}

test_name_case_is_ignored if {
	count(alerts) == 0 with input as fx_inp(fx_history, fx_snap("2026-11-25T00:00:00Z", ["SSH.service"]))
}
