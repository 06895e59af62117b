# METADATA
# title: Command line contacts a known malicious domain or URL
# description: >-
#   A process's command line, a process-creation event (4688) or a command run through sudo
#   names a domain (or a subdomain of one) or a URL that the threat intelligence given with
#   --intel lists: downloads from malware hosts, mining pools, command-and-control servers.
#   Its severity is the indicator's when the feed gives one.
# scope: package
# custom:
#   id: intel-malicious-command-line
#   kind: alert
#   alert_type: intel-malicious-command-line
#   severity: Medium
#   source: intel
#   tactics: [Command and Control]
#   techniques: [T1071, T1105]
#   remediation: |-
#     1. Stop the process and block the domain or URL at the proxy, DNS filter or firewall.
#     2. Find what it downloaded or sent, and how the command was started (parent process, cron, the account).
#     3. If anything was fetched and run, treat the machine as compromised.
package posture.alerts.intel_malicious_command_line

import data.posture.lib.alerts as lib

alerts contains a if {
	some m in input.machines
	some c in _commands(m)
	lib.ns(c.time)
	some ind in lib.text_indicators(c.command)
	a := object.union(
		{
			"machine": m.id,
			"message": sprintf("%s ran `%s`, which names %s, a known malicious %s (%s)", [_who(c), c.command, ind.value, ind.type, lib.str(ind, "description")]),
			"start": c.time,
			"end": c.time,
			"entities": {"commandLine": c.command, "account": c.user, "indicator": ind.value, "indicatorType": ind.type, "indicatorSource": lib.str(ind, "source")},
			"evidence": [c],
			"key": concat("|", [ind.value, c.command]),
		},
		_severity(ind),
	)
}

_commands(m) := array.concat(
	[{"time": p.time, "command": p.command, "user": p.user, "from": p.from} | some p in lib.launches(m); p.command != ""],
	[{"time": e.time, "command": e.command, "user": lib.str(e, "user"), "from": lib.str(e, "tool")} |
		some e in lib.items(m, ["events", "privilege"])
		is_string(e.command)
	],
)

_who(c) := c.user if c.user != ""

else := "a process"

_severity(ind) := {"severity": ind.severity} if ind.severity in {"High", "Medium", "Low", "Informational"}

else := {}
