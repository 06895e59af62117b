package posture.alerts.history_cleared

fx_now := "2026-11-25T22:10:00Z"

fx_file(path, size, modified, link) := {"user": "alice", "path": path, "size": size, "modified": modified, "linkTarget": link}

fx_snap(at, files) := {"collectedAt": at, "events": {"status": "ok", "shellHistory": files, "shellHistoryUnreadable": []}}

fx_inp(history, snap) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": snap, "history": history}], "parameters": {"window_hours": 24}, "now": fx_now}

test_cleared_linked_and_shrunk_histories_fire if {
	empty := fx_file("/home/alice/.bash_history", 0, "2026-11-25T21:00:00Z", null)
	out := alerts with input as fx_inp([], fx_snap(fx_now, [empty]))
	count(out) == 1
	some a in out
	a.start == "2026-11-25T21:00:00Z"
	a.message == "the shell history /home/alice/.bash_history of alice is empty, modified at 2026-11-25T21:00:00Z"
	linked := fx_file("/home/alice/.zsh_history", 0, "2026-11-01T00:00:00Z", "/dev/null")
	{x.message | some x in alerts} == {"the shell history /home/alice/.zsh_history of alice links to /dev/null: nothing typed is kept"} with input as fx_inp([], fx_snap(fx_now, [linked]))
	old := fx_snap("2026-11-24T00:00:00Z", [fx_file("/home/alice/.bash_history", 5000, "2026-11-23T00:00:00Z", null), fx_file("/root/.bash_history", 300, "2026-11-23T00:00:00Z", null)])
	new := fx_snap(fx_now, [fx_file("/home/alice/.bash_history", 120, "2026-11-25T00:00:00Z", null)])
	msgs := {x.message | some x in alerts} with input as fx_inp([old], new)
	msgs == {
		"the shell history /home/alice/.bash_history of alice shrank from 5000 to 120 bytes since the snapshot of 2026-11-24T00:00:00Z",
		"the shell history /root/.bash_history of alice is gone (it held 300 bytes in the snapshot of 2026-11-24T00:00:00Z)",
	}
	sudo := {"time": "2026-11-25T21:30:00Z", "tool": "sudo", "user": "deploy", "target": "root", "command": "/usr/bin/rm -f /root/.bash_history", "result": "success"}
	with_sudo := object.union(fx_snap(fx_now, []), {"events": {"privilege": [sudo]}})
	count(alerts) == 1 with input as fx_inp([], with_sudo)
}

test_growing_old_or_normal_histories_are_quiet if {
	growing := [fx_snap("2026-11-24T00:00:00Z", [fx_file("/home/alice/.bash_history", 100, "2026-11-23T00:00:00Z", null)])]
	count(alerts) == 0 with input as fx_inp(growing, fx_snap(fx_now, [fx_file("/home/alice/.bash_history", 400, "2026-11-25T00:00:00Z", null)]))
	old_empty := fx_file("/home/alice/.bash_history", 0, "2026-11-01T00:00:00Z", null)
	count(alerts) == 0 with input as fx_inp([], fx_snap(fx_now, [old_empty]))
	sudo := {"time": "2026-11-25T21:30:00Z", "tool": "sudo", "user": "deploy", "command": "/usr/bin/cat /root/.bash_history"}
	count(alerts) == 0 with input as fx_inp([], object.union(fx_snap(fx_now, []), {"events": {"privilege": [sudo]}}))
}

test_unknown_lists_and_unreadable_homes_are_quiet if {
	old := fx_snap("2026-11-24T00:00:00Z", [fx_file("/home/bob/.bash_history", 300, "2026-11-23T00:00:00Z", null)])
	count(alerts) == 0 with input as fx_inp([old], fx_snap(fx_now, null))
	unreadable := {"collectedAt": fx_now, "events": {"shellHistory": [], "shellHistoryUnreadable": [{"user": "bob", "path": "/home/bob", "reason": "permission denied"}]}}
	count(alerts) == 0 with input as fx_inp([old], unreadable)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
	no_time := fx_file("/home/alice/.bash_history", 0, "recently", null)
	count(alerts) == 0 with input as fx_inp([], fx_snap(fx_now, [no_time]))
}

test_case_variants if {
	linked := fx_file("/home/alice/.zsh_history", 0, "2026-11-01T00:00:00Z", "/DEV/NULL")
	count(alerts) == 1 with input as fx_inp([], fx_snap(fx_now, [linked]))
	sudo := {"time": "2026-11-25T21:30:00Z", "tool": "sudo", "user": "deploy", "command": "SHRED -u /root/.BASH_HISTORY"}
	count(alerts) == 1 with input as fx_inp([], object.union(fx_snap(fx_now, []), {"events": {"privilege": [sudo]}}))
}
