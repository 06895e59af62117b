# METADATA
# title: Addition of Guest account to Local Administrators group
# description: >-
#   The built-in Guest account (relative id 501) was added to the local Administrators group
#   (S-1-5-32-544): an account without a password, or with one everybody knows, becomes an
#   administrator. The alert fires for Security event 4732 (a member added to a security-
#   enabled local group) with that group and member, and for a snapshot whose list of local
#   administrators names Guest when no such event explains it.
# scope: package
# custom:
#   id: windows-guest-added-to-administrators
#   kind: alert
#   alert_type: windows-guest-added-to-administrators
#   severity: Medium
#   tactics: [Persistence, Privilege Escalation]
#   techniques: [T1098, T1078.001]
#   remediation: |-
#     1. Remove Guest from Administrators (net localgroup Administrators Guest /delete) and make sure the Guest account is disabled.
#     2. Find who made the change (the event's subject account) and review that account's activity.
#     3. Manage local group membership through Group Policy (Restricted Groups) or Intune so changes are reverted.
package posture.alerts.guest_added_to_administrators

import data.posture.lib.alerts as lib

alerts contains a if {
	some m in input.machines
	some e in lib.win_events(m, 4732)
	_administrators(e)
	_guest_member(e)
	by := lib.field(e, "SubjectUserName")
	a := {
		"machine": m.id,
		"message": sprintf("Guest (%s) was added to the local Administrators group by %s at %s", [_member(e), _or(by, "an unknown account"), e.time]),
		"start": e.time,
		"end": e.time,
		"entities": {"account": "Guest", "group": "Administrators", "by": by},
		"evidence": [e],
		"key": "guest",
	}
}

alerts contains a if {
	some m in input.machines
	some name in lib.strings(lib.snapshot(m), ["baseline", "accounts", "admins"])
	_is_guest_name(name)
	count([e | some e in lib.win_events(m, 4732); _guest_member(e)]) == 0
	at := lib.collected(lib.snapshot(m))
	a := {
		"machine": m.id,
		"message": sprintf("the local administrators include %s", [name]),
		"start": at,
		"end": at,
		"entities": {"account": "Guest", "group": "Administrators"},
		"evidence": [{"admins": sort(lib.strings(lib.snapshot(m), ["baseline", "accounts", "admins"]))}],
		"key": "guest",
	}
}

_administrators(e) if upper(lib.field(e, "TargetSid")) == "S-1-5-32-544"

_administrators(e) if lower(lib.field(e, "TargetUserName")) == "administrators"

_guest_member(e) if regex.match(`(?i)^S-1-5-21-[0-9-]+-501$`, lib.field(e, "MemberSid"))

_guest_member(e) if _is_guest_name(lib.field(e, "MemberName"))

_is_guest_name(name) if regex.match(`(?i)^(.*\\)?guest$|^cn=guest,`, name)

# Windows writes "-" for a field it has no value for.
_member(e) := m if {
	m := lib.field(e, "MemberName")
	not m in {"", "-"}
} else := lib.field(e, "MemberSid")

_or(v, fallback) := v if v != ""

else := fallback
