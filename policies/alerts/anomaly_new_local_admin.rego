# METADATA
# title: An account is a local administrator for the first time
# description: >-
#   An account has administrative rights that none of the machine's earlier snapshots showed
#   (Linux: UID 0 or a member of sudo, wheel or admin; Windows: a member of the local
#   Administrators group; the snapshot's `baseline.accounts.admins`). Administrative rights
#   granted outside the usual process are how intruders keep control. The baseline is the
#   history that knew the administrators, at least `min_history` snapshots (default 1); the
#   alert states that window.
# scope: package
# custom:
#   id: anomaly-new-local-admin
#   kind: alert
#   alert_type: anomaly-new-local-admin
#   severity: Medium
#   source: anomaly
#   tactics: [Privilege Escalation, Persistence]
#   techniques: [T1078.003, T1098]
#   parameters:
#     min_history: 1
#   remediation: |-
#     1. Confirm with the machine's administrators that the account should have these rights.
#     2. If not, remove the rights (gpasswd -d, or net localgroup Administrators /delete) and review what the account did.
#     3. Grant administrative rights only through a privileged-access process that leaves a record.
package posture.alerts.anomaly_new_local_admin

import data.posture.lib.alerts as lib

_path := ["baseline", "accounts", "admins"]

alerts contains a if {
	some m in input.machines
	b := lib.baseline(m, _path)
	seen := {lower(n) | some h in b.docs; some n in lib.strings(h, _path)}
	lib.known(lib.snapshot(m), _path)
	some name in lib.strings(lib.snapshot(m), _path)
	not lower(name) in seen
	at := lib.collected(lib.snapshot(m))
	a := {
		"machine": m.id,
		"message": sprintf("%s is a local administrator and was not in %s", [name, lib.window(b)]),
		"start": b.to,
		"end": at,
		"entities": {"account": name},
		"evidence": [{"admins": sort(lib.strings(lib.snapshot(m), _path)), "baseline": lib.stated(b)}],
		"key": lower(name),
	}
}
