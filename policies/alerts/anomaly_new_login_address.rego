# METADATA
# title: Logon from an address not seen before
# description: >-
#   A successful logon (SSH, or a Windows logon event 4624 with an address) came from an
#   address that no logon in the machine's earlier snapshots came from: stolen credentials
#   are often used from new places. Only logons after the newest earlier snapshot count, so
#   log lines both snapshots hold are not new; loopback addresses are left out. The baseline
#   is the history that knew the logons, at least `min_history` snapshots (default 1); the
#   alert states that window.
# scope: package
# custom:
#   id: anomaly-new-login-address
#   kind: alert
#   alert_type: anomaly-new-login-address
#   severity: Medium
#   source: anomaly
#   tactics: [Initial Access]
#   techniques: [T1078]
#   parameters:
#     min_history: 1
#   remediation: |-
#     1. Ask the account's owner whether the logon was theirs (the address and time are in the alert).
#     2. If not, disable the account, reset its credentials and review the session.
#     3. Limit where logons may come from (NSG rules, AllowUsers ... @addresses, conditional access).
package posture.alerts.anomaly_new_login_address

import data.posture.lib.alerts as lib
import data.posture.lib.util

_path := ["events", "authentication"]

_win := ["events", "windows"]

alerts contains a if {
	some m in input.machines
	b := _baseline(m)
	since := lib.ns(b.to)
	seen := {l.source | some l in _logons(m, b.docs)} | {l.source | some l in _logons_of(m, lib.snapshot(m)); l.ns <= since}
	now := [l | some l in _logons_of(m, lib.snapshot(m)); l.ns > since]
	some source in {l.source | some l in now}
	not source in seen
	from := [l | some l in now; l.source == source]
	t := min({l.ns | some l in from})
	some first in from
	first.ns == t
	a := {
		"machine": m.id,
		"message": sprintf("%s logged on from %s at %s; no logon in %s came from it", [first.user, source, first.time, lib.window(b)]),
		"start": first.time,
		"end": lib.rfc(max({l.ns | some l in from})),
		"entities": {"sourceAddress": source, "accounts": sort({l.user | some l in from})},
		"evidence": [{"logons": [object.remove(l, ["ns"]) | some l in lib.first(from, 10)], "baseline": lib.stated(b)}],
		"key": source,
	}
}

# The history that knew SSH or Windows logons.
_baseline(m) := b if b := lib.baseline(m, _path)

else := lib.baseline(m, _win)

_logons(m, docs) := [l | some d in docs; some l in _logons_of(m, d)]

_logons_of(_, doc) := array.concat(
	[{"ns": n, "time": e.time, "source": util.lc(e.sourceAddress), "user": lib.str(e, "user")} |
		some e in lib.at(doc, _path)
		util.lc(e.result) == "success"
		n := lib.ns(e.time)
		_remote(util.lc(e.sourceAddress))
	],
	[{"ns": n, "time": e.time, "source": lower(lib.field(e, "IpAddress")), "user": lib.field(e, "TargetUserName")} |
		some e in lib.at(doc, _win)
		e.eventId in {4624, "4624"}
		n := lib.ns(e.time)
		_remote(lower(lib.field(e, "IpAddress")))
	],
)

_remote(ip) if {
	lib.valid_ip(ip)
	not startswith(ip, "127.")
	ip != "::1"
}
