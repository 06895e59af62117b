package posture.alerts.ssh_key_added

fx_key(user, fp, comment) := {"user": user, "path": sprintf("/home/%s/.ssh/authorized_keys", [user]), "type": "ssh-ed25519", "fingerprint": fp, "comment": comment}

fx_snap(at, keys) := {"collectedAt": at, "events": {"status": "ok", "authorizedKeys": keys}}

fx_fp1 := "SHA256:Jx2W1rGkq3sS0nH2t6b2c1Xz9w8vU7tS6rQ5pO4nM3k"

fx_fp2 := "SHA256:AAAAW1rGkq3sS0nH2t6b2c1Xz9w8vU7tS6rQ5pO4nM3k"

fx_inp(old, new) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": new, "history": old}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}

test_a_key_not_in_the_previous_snapshot_fires if {
	old := fx_snap("2026-11-24T00:00:00Z", [fx_key("deploy", fx_fp1, "deploy@ci")])
	new := fx_snap("2026-11-25T00:00:00Z", [fx_key("deploy", fx_fp1, "deploy@ci"), fx_key("root", fx_fp2, "x@evil")])
	out := alerts with input as fx_inp([old], new)
	count(out) == 1
	some a in out
	a.entities.account == "root"
	a.entities.fingerprint == fx_fp2
	a.start == "2026-11-24T00:00:00Z"
	a.end == "2026-11-25T00:00:00Z"
	a.message == sprintf("new SSH key ssh-ed25519 %s (x@evil) for root in /home/root/.ssh/authorized_keys since the snapshot of 2026-11-24T00:00:00Z", [fx_fp2])
}

test_same_keys_or_only_the_newest_previous_snapshot_counts if {
	old := fx_snap("2026-11-24T00:00:00Z", [fx_key("deploy", fx_fp1, "a")])
	count(alerts) == 0 with input as fx_inp([old], fx_snap("2026-11-25T00:00:00Z", [fx_key("deploy", fx_fp1, "renamed comment")]))
	# a key removed is not an alert
	count(alerts) == 0 with input as fx_inp([old], fx_snap("2026-11-25T00:00:00Z", []))
	# compared with the newest earlier snapshot only
	older := fx_snap("2026-11-20T00:00:00Z", [])
	count(alerts) == 0 with input as fx_inp([older, old], fx_snap("2026-11-25T00:00:00Z", [fx_key("deploy", fx_fp1, "a")]))
}

test_no_history_or_unreadable_keys_compare_nothing if {
	new := fx_snap("2026-11-25T00:00:00Z", [fx_key("root", fx_fp2, "x")])
	count(alerts) == 0 with input as fx_inp([], new)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x", "snapshot": new}], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
	unreadable := fx_snap("2026-11-24T00:00:00Z", null)
	count(alerts) == 0 with input as fx_inp([unreadable], new)
	count(alerts) == 0 with input as fx_inp([fx_snap("2026-11-24T00:00:00Z", [])], fx_snap("2026-11-25T00:00:00Z", null))
}

test_account_case_is_ignored if {
	old := fx_snap("2026-11-24T00:00:00Z", [fx_key("Deploy", fx_fp1, "a")])
	count(alerts) == 0 with input as fx_inp([old], fx_snap("2026-11-25T00:00:00Z", [fx_key("deploy", fx_fp1, "a")]))
}
