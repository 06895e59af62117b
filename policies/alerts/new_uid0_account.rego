# METADATA
# title: A new account with UID 0 was created
# description: >-
#   A second account with user id 0 is root under another name: a classic backdoor that
#   survives a root password change and hides in lists of ordinary users. The alert fires for
#   a logged account change that gives an account UID 0 (useradd with -u 0 -o, usermod -u 0)
#   and, with history, for a UID 0 account that the previous snapshot did not have (the
#   change may have happened while the log was not read). A standing extra UID 0 account
#   that was already there is the baseline finding of machine-os-baseline.
# scope: package
# custom:
#   id: linux-new-uid0-account
#   kind: alert
#   alert_type: linux-new-uid0-account
#   severity: High
#   tactics: [Persistence, Privilege Escalation]
#   techniques: [T1136.001, T1078.003]
#   remediation: |-
#     1. Lock the account (usermod -L) and check who created it (the alert's evidence, sudo events, logins).
#     2. Remove it (userdel) once confirmed malicious, and look for other persistence (authorized_keys, cron, services).
#     3. Treat root's credentials as compromised: rotate them and review recent root activity.
package posture.alerts.new_uid0_account

import data.posture.lib.alerts as lib

_uid0 := ["baseline", "accounts", "uid0"]

alerts contains a if {
	some m in input.machines
	some e in lib.items(m, ["events", "accountChanges"])
	e.action in {"user-added", "user-modified"}
	e.uid == 0
	lib.ns(e.time)
	a := {
		"machine": m.id,
		"message": sprintf("%s gave account %s UID 0 (%s) at %s", [lib.str(e, "tool"), lib.str(e, "user"), e.action, e.time]),
		"start": e.time,
		"end": e.time,
		"entities": {"account": lib.str(e, "user"), "uid": 0},
		"evidence": [e],
		"key": lower(lib.str(e, "user")),
	}
}

alerts contains a if {
	some m in input.machines
	prev := lib.previous(m)
	lib.known(prev, _uid0)
	some name in lib.strings(lib.snapshot(m), _uid0)
	not lower(name) in {lower(n) | some n in lib.strings(prev, _uid0)}
	not _logged(m, name)
	a := {
		"machine": m.id,
		"message": sprintf("account %s has UID 0 and did not in the snapshot of %s", [name, lib.collected(prev)]),
		"start": lib.collected(prev),
		"end": lib.collected(lib.snapshot(m)),
		"entities": {"account": name, "uid": 0},
		"evidence": [{"uid0Before": sort(lib.strings(prev, _uid0)), "uid0Now": sort(lib.strings(lib.snapshot(m), _uid0))}],
		"key": lower(name),
	}
}

_logged(m, name) if {
	some e in lib.items(m, ["events", "accountChanges"])
	e.uid == 0
	lower(lib.str(e, "user")) == lower(name)
}
