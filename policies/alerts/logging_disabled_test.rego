package posture.alerts.logging_disabled

fx_now := "2026-11-25T22:10:00Z"

fx_snap(at, logging) := {"collectedAt": at, "baseline": {"logging": logging}}

fx_healthy := {"status": "ok", "auditdInstalled": true, "auditdEnabled": true, "auditdRunning": true, "journaldStorage": "persistent", "journaldRunning": true}

fx_inp(history, snap) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": {}, "now": fx_now}

test_stopped_auditd_and_discarding_journald_fire if {
	stopped := object.union(fx_healthy, {"auditdRunning": false})
	{a.message | some a in alerts} == {"auditd is installed and enabled but not running"} with input as fx_inp([], fx_snap(fx_now, stopped))
	none := object.union(fx_healthy, {"journaldStorage": "none"})
	count(alerts) == 1 with input as fx_inp([], fx_snap(fx_now, none))
	disabled := object.union(fx_healthy, {"auditdEnabled": false, "auditdRunning": false})
	msgs := {a.message | some a in alerts} with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", fx_healthy)], fx_snap(fx_now, disabled))
	msgs == {"auditd ran in the snapshot of 2026-11-24T00:00:00Z and no longer does", "auditd was enabled in the snapshot of 2026-11-24T00:00:00Z and no longer does"}
	sudo := {"time": "2026-11-25T21:00:00Z", "tool": "sudo", "user": "deploy", "command": "/usr/bin/systemctl stop auditd"}
	count(alerts) == 1 with input as fx_inp([], {"collectedAt": fx_now, "events": {"privilege": [sudo]}})
	volatile := object.union(fx_healthy, {"journaldStorage": "volatile"})
	count(alerts) == 1 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", fx_healthy)], fx_snap(fx_now, volatile))
}

test_a_command_and_the_state_it_left_are_one_alert if {
	sudo := {"time": "2026-11-25T21:00:00Z", "tool": "sudo", "user": "deploy", "command": "/usr/bin/systemctl stop auditd"}
	snap := object.union(fx_snap(fx_now, object.union(fx_healthy, {"auditdRunning": false})), {"events": {"privilege": [sudo]}})
	{a.message | some a in alerts} == {"deploy ran `/usr/bin/systemctl stop auditd` through sudo: logging is being switched off"} with input as fx_inp([], snap)
}

test_healthy_never_installed_or_unchanged_is_quiet if {
	count(alerts) == 0 with input as fx_inp([], fx_snap(fx_now, fx_healthy))
	never := {"auditdInstalled": false, "auditdEnabled": false, "auditdRunning": false, "journaldStorage": "auto", "journaldRunning": true}
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", never)], fx_snap(fx_now, never))
	sudo := {"time": "2026-11-25T21:00:00Z", "tool": "sudo", "user": "deploy", "command": "/usr/bin/systemctl restart auditd"}
	count(alerts) == 0 with input as fx_inp([], {"collectedAt": fx_now, "events": {"privilege": [sudo]}})
}

test_unknown_state_is_quiet if {
	unknown := {"status": "unknown", "reason": "x", "auditdInstalled": true, "auditdEnabled": null, "auditdRunning": null, "journaldStorage": null, "journaldRunning": null}
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", fx_healthy)], fx_snap(fx_now, unknown))
	count(alerts) == 0 with input as fx_inp([], {"collectedAt": fx_now})
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
}

test_case_variants if {
	count(alerts) == 1 with input as fx_inp([], fx_snap(fx_now, object.union(fx_healthy, {"journaldStorage": "None"})))
	sudo := {"time": "2026-11-25T21:00:00Z", "tool": "sudo", "user": "deploy", "command": "SYSTEMCTL Disable --now AUDITD.service"}
	count(alerts) == 1 with input as fx_inp([], {"collectedAt": fx_now, "events": {"privilege": [sudo]}})
}
