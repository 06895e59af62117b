# METADATA
# title: Successful SSH brute force attack
# description: >-
#   One address made many failed SSH login attempts and then logged in: a guessed password
#   or key is likely, and the machine should be treated as compromised. The alert fires for
#   the first successful login from an address that had at least `min_failures` failed
#   attempts (default 10) within the `window_minutes` (default 60) before it. It names the
#   address, the account that logged in and the accounts tried.
# scope: package
# custom:
#   id: linux-ssh-bruteforce-success
#   kind: alert
#   alert_type: linux-ssh-bruteforce-success
#   severity: High
#   tactics: [Credential Access, Initial Access]
#   techniques: [T1110.001, T1078]
#   parameters:
#     min_failures: 10
#     window_minutes: 60
#   remediation: |-
#     1. Isolate the machine (deny its inbound and outbound traffic) and keep its disks for investigation.
#     2. Disable the account that logged in, rotate its password and keys, and review what it did (sudo, shell history, new keys, new accounts).
#     3. Block the source address; turn off password authentication and close port 22 to the Internet.
package posture.alerts.ssh_bruteforce_success

import data.posture.lib.alerts as lib

_n := lib.number("min_failures", 10)

_minutes := lib.number("window_minutes", 60)

_w := _minutes * lib.minute_ns

alerts contains a if {
	some m in input.machines
	ls := lib.logins(m)
	successes := lib.by_source(ls, "success")
	# Only addresses with enough failures at all can qualify, each looked at once.
	some source, all_failures in lib.by_source(ls, "failure")
	count(all_failures) >= _n
	first := _first_success(object.get(successes, source, []), all_failures)
	failures := [l | some l in all_failures; l.ns <= first.ns; first.ns - l.ns <= _w]
	tried := sort({l.user | some l in failures; l.user != ""})
	start := min({l.ns | some l in failures})
	a := {
		"machine": m.id,
		"message": sprintf("%s failed %d SSH logins within %v minutes (accounts tried: %s), then logged in as %s with %v at %s", [source, count(failures), _minutes, concat(", ", tried), first.user, first.method, first.time]),
		"start": lib.rfc(start),
		"end": lib.rfc(first.ns),
		"entities": {"sourceAddress": source, "account": first.user, "accountsTried": tried},
		"evidence": array.concat([{"time": l.time, "result": "failure", "user": l.user} | some l in lib.first(failures, 9)], [{"time": first.time, "result": "success", "user": first.user, "method": first.method}]),
		"key": source,
	}
}

# _first_success(successes, failures) is the first of an address's logins (in time order)
# that followed at least `min_failures` of its failures within the window.
_first_success(successes, failures) := qualifying[0] if {
	qualifying := [s |
		some s in successes
		count([f | some f in failures; f.ns <= s.ns; s.ns - f.ns <= _w]) >= _n
	]
	count(qualifying) > 0
}
