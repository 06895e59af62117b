# METADATA
# title: Connection from a known malicious address
# description: >-
#   An address in the threat intelligence given with --intel (an ipv4-addr or ipv6-addr
#   indicator, or a CIDR range) tried to log on to the machine: SSH logins and failures in
#   the authentication events, Windows logons and failures (events 4624 and 4625). One alert
#   per machine and address, with the indicator's description and source; its severity is
#   the indicator's when the feed gives one. Without --intel nothing is matched.
# scope: package
# custom:
#   id: intel-malicious-address
#   kind: alert
#   alert_type: intel-malicious-address
#   severity: Medium
#   source: intel
#   tactics: [Initial Access, Credential Access]
#   techniques: [T1133, T1110]
#   remediation: |-
#     1. Block the address (and its range) at the network security group or firewall.
#     2. If any logon from it succeeded (the evidence says), treat that account and the machine as compromised.
#     3. Close the service it reached to the Internet, or put it behind a VPN or just-in-time access.
package posture.alerts.intel_malicious_address

import data.posture.lib.alerts as lib

alerts contains a if {
	some m in input.machines
	contacts := _contacts(m)
	some source in {c.source | some c in contacts}
	ind := lib.address_indicator(source)
	seen := [c | some c in contacts; c.source == source]
	times := {c.ns | some c in seen}
	succeeded := count([c | some c in seen; c.result == "success"]) > 0
	a := object.union(
		{
			"machine": m.id,
			"message": sprintf("%s, a known malicious address (%s: %s), made %d logon attempt%s%s", [source, ind.value, lib.str(ind, "description"), count(seen), _plural(count(seen)), _outcome(succeeded)]),
			"start": lib.rfc(min(times)),
			"end": lib.rfc(max(times)),
			"entities": {"sourceAddress": source, "indicator": ind.value, "indicatorSource": lib.str(ind, "source")},
			"evidence": [object.remove(c, ["ns"]) | some c in lib.first(seen, 10)],
			"key": source,
		},
		_severity(ind),
	)
}

_contacts(m) := array.concat(
	[{"ns": l.ns, "time": l.time, "source": l.source, "result": l.result, "user": l.user, "via": "ssh"} | some l in lib.logins(m); l.source != ""],
	[{"ns": lib.ns(e.time), "time": e.time, "source": lower(lib.field(e, "IpAddress")), "result": _result(e), "user": lib.field(e, "TargetUserName"), "via": sprintf("event %v", [e.eventId])} |
		some id in [4624, 4625]
		some e in lib.win_events(m, id)
		lib.field(e, "IpAddress") != ""
	],
)

_result(e) := "success" if e.eventId in {4624, "4624"}

else := "failure"

_plural(n) := "" if n == 1

else := "s"

_outcome(true) := ", and logged on"

_outcome(false) := ", all failed"

_severity(ind) := {"severity": ind.severity} if ind.severity in {"High", "Medium", "Low", "Informational"}

else := {}
