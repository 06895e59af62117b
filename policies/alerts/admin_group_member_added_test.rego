package posture.alerts.admin_group_member_added

fx_now := "2026-11-25T22:10:00Z"

fx_change(action, user, group) := {"time": "2026-11-25T21:00:00Z", "tool": "usermod", "action": action, "user": user, "group": group}

fx_inp(changes, params) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_now, "events": {"accountChanges": changes}}, "history": []}], "parameters": params, "now": fx_now}

test_joining_sudo_or_wheel_fires if {
	out := alerts with input as fx_inp([fx_change("group-member-added", "alice", "sudo")], {})
	count(out) == 1
	some a in out
	a.message == "alice was added to group sudo by usermod at 2026-11-25T21:00:00Z"
	a.entities == {"account": "alice", "group": "sudo"}
	by_root := object.union(fx_change("group-member-added", "bob", "wheel"), {"tool": "gpasswd", "by": "root"})
	{x.message | some x in alerts} == {"bob was added to group wheel by gpasswd (run by root) at 2026-11-25T21:00:00Z"} with input as fx_inp([by_root], {})
}

test_other_groups_and_removals_are_quiet if {
	count(alerts) == 0 with input as fx_inp([fx_change("group-member-added", "alice", "docker")], {})
	count(alerts) == 0 with input as fx_inp([fx_change("group-member-removed", "alice", "sudo")], {})
	# the groups are a parameter
	count(alerts) == 1 with input as fx_inp([fx_change("group-member-added", "alice", "docker")], {"groups": ["docker"]})
	count(alerts) == 0 with input as fx_inp([fx_change("group-member-added", "alice", "sudo")], {"groups": ["docker"]})
}

test_missing_events_are_quiet if {
	count(alerts) == 0 with input as fx_inp(null, {})
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
	count(alerts) == 0 with input as fx_inp([object.union(fx_change("group-member-added", "alice", "sudo"), {"group": null})], {})
}

test_case_variants if {
	count(alerts) == 1 with input as fx_inp([fx_change("group-member-added", "alice", "Wheel")], {})
	count(alerts) == 1 with input as fx_inp([fx_change("group-member-added", "alice", "sudo")], {"groups": ["SUDO"]})
}
