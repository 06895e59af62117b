# METADATA
# title: An account was added to an administrators group
# description: >-
#   An account joined sudo, wheel or admin (the groups whose members may become root, set by
#   the `groups` parameter): a quiet way to gain or keep administrative rights. The alert
#   fires for each logged group change (usermod -aG, gpasswd -a, useradd -G) that adds an
#   account to one of those groups. Additions that were not logged appear as the anomaly
#   anomaly-new-local-admin when the machine has history.
# scope: package
# custom:
#   id: linux-admin-group-member-added
#   kind: alert
#   alert_type: linux-admin-group-member-added
#   severity: Medium
#   tactics: [Privilege Escalation, Persistence]
#   techniques: [T1098, T1078.003]
#   parameters:
#     groups: [sudo, wheel, admin]
#   remediation: |-
#     1. Confirm the change with whoever administers the machine (the alert says which tool made it and when).
#     2. If it was not planned, remove the account from the group (gpasswd -d) and review what it did as root.
#     3. Grant administrative rights through configuration management or a privileged-access process, never by hand.
package posture.alerts.admin_group_member_added

import data.posture.lib.alerts as lib

_groups := {lower(g) | some g in lib.list("groups", ["sudo", "wheel", "admin"])}

alerts contains a if {
	some m in input.machines
	some e in lib.items(m, ["events", "accountChanges"])
	e.action == "group-member-added"
	lower(lib.str(e, "group")) in _groups
	lib.ns(e.time)
	by := _by(e)
	a := {
		"machine": m.id,
		"message": sprintf("%s was added to group %s by %s%s at %s", [lib.str(e, "user"), lib.str(e, "group"), lib.str(e, "tool"), by, e.time]),
		"start": e.time,
		"end": e.time,
		"entities": {"account": lib.str(e, "user"), "group": lower(lib.str(e, "group"))},
		"evidence": [e],
		"key": concat("|", [lower(lib.str(e, "user")), lower(lib.str(e, "group"))]),
	}
}

_by(e) := sprintf(" (run by %s)", [e.by]) if is_string(e.by)

else := ""
