# METADATA
# title: An event log was cleared
# description: >-
#   The Security audit log was cleared (event 1102) or another event log was (event 104 of
#   the System log): intruders clear logs to erase the record of what they did. The alert
#   names the account that cleared it. Low: clearing logs can be housekeeping, but it is
#   rare on servers and always worth a question.
# scope: package
# custom:
#   id: windows-security-log-cleared
#   kind: alert
#   alert_type: windows-security-log-cleared
#   severity: Low
#   tactics: [Defense Evasion]
#   techniques: [T1070.001]
#   remediation: |-
#     1. Ask the account that cleared the log why; if nobody can explain it, treat the machine as compromised.
#     2. Look for what the cleared log would have shown in the logs that survive (forwarded events, other channels).
#     3. Forward the Security log to a central collector so clearing it on the machine erases nothing.
package posture.alerts.security_log_cleared

import data.posture.lib.alerts as lib

alerts contains a if {
	some m in input.machines
	some id in [1102, 104]
	some e in lib.win_events(m, id)
	account := _account(e)
	channel := _channel(e, id)
	a := {
		"machine": m.id,
		"message": sprintf("the %s event log was cleared by %s at %s (event %d)", [channel, account, e.time, id]),
		"start": e.time,
		"end": e.time,
		"entities": {"account": account, "channel": channel},
		"evidence": [e],
		"key": concat("|", [channel, account]),
	}
}

_account(e) := e.account if {
	is_string(e.account)
	e.account != ""
} else := concat("\\", [d, u]) if {
	u := lib.field(e, "SubjectUserName")
	u != ""
	d := lib.field(e, "SubjectDomainName")
	d != ""
} else := u if {
	u := lib.field(e, "SubjectUserName")
	u != ""
} else := "an unknown account"

_channel(_, 1102) := "Security"

_channel(e, 104) := c if {
	c := lib.field(e, "Channel")
	c != ""
} else := e.channel if {
	is_string(e.channel)
	e.channel != ""
} else := "System"
