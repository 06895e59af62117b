# METADATA
# title: Successful RDP brute force attack
# description: >-
#   One address failed many Windows logons and then logged on over Remote Desktop: a
#   guessed password is likely. The alert fires for the first successful RDP logon (Security
#   event 4624 with LogonType 10) from an address that had at least `min_failures` failed
#   logons (event 4625, any logon type: with Network Level Authentication the failures of an
#   RDP attack are type 3) within the `window_minutes` before it (defaults 10 and 60). It
#   names the address, the account that logged on and the accounts tried.
# scope: package
# custom:
#   id: windows-rdp-bruteforce
#   kind: alert
#   alert_type: windows-rdp-bruteforce
#   severity: High
#   tactics: [Credential Access, Initial Access]
#   techniques: [T1110.001, T1021.001]
#   parameters:
#     min_failures: 10
#     window_minutes: 60
#   remediation: |-
#     1. Isolate the machine and keep its disks; disable the account that logged on and reset its password.
#     2. Review what the session did: process creation (4688), new accounts (4720), group changes (4732), cleared logs (1102).
#     3. Close RDP to the Internet (just-in-time access or a gateway), enforce Network Level Authentication and an account lockout policy.
package posture.alerts.rdp_bruteforce

import data.posture.lib.alerts as lib

_n := lib.number("min_failures", 10)

_minutes := lib.number("window_minutes", 60)

_w := _minutes * lib.minute_ns

_source(e) := lower(lib.field(e, "IpAddress"))

_user(e) := lib.field(e, "TargetUserName")

alerts contains a if {
	some m in input.machines
	failures := [{"ns": lib.ns(e.time), "time": e.time, "source": _source(e), "user": _user(e)} | some e in lib.win_events(m, 4625)]
	successes := [{"ns": lib.ns(e.time), "time": e.time, "source": _source(e), "user": _user(e)} |
		some e in lib.win_events(m, 4624)
		lib.field(e, "LogonType") == "10"
	]
	some source in {s.source | some s in successes; lib.valid_ip(s.source)}
	# Addresses without enough failures at all cannot qualify: skip them before the
	# per-logon count.
	count([f | some f in failures; f.source == source]) >= _n
	qualifying := [s |
		some s in successes
		s.source == source
		count(_before(failures, s)) >= _n
	]
	t := min({s.ns | some s in qualifying})
	some first in qualifying
	first.ns == t
	tried := _before(failures, first)
	accounts := sort({f.user | some f in tried; f.user != ""})
	a := {
		"machine": m.id,
		"message": sprintf("%s failed %d logons within %v minutes (accounts tried: %s), then logged on over RDP as %s at %s", [source, count(tried), _minutes, concat(", ", accounts), first.user, first.time]),
		"start": lib.rfc(min({f.ns | some f in tried})),
		"end": first.time,
		"entities": {"sourceAddress": source, "account": first.user, "accountsTried": accounts},
		"evidence": array.concat([{"time": f.time, "eventId": 4625, "user": f.user} | some f in lib.first(tried, 9)], [{"time": first.time, "eventId": 4624, "logonType": 10, "user": first.user}]),
		"key": source,
	}
}

_before(failures, s) := [f |
	some f in failures
	f.source == s.source
	f.ns <= s.ns
	s.ns - f.ns <= _w
]
