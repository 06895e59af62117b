# METADATA
# title: Failed SSH brute force attack
# description: >-
#   Many failed SSH logins from one source address within a short window: someone is
#   guessing passwords or keys. The alert fires when at least `min_failures` failed attempts
#   (default 10) from one address fall within `window_minutes` (default 60) in the machine's
#   authentication events, and no login from that address succeeded afterwards (that case is
#   the High-severity linux-ssh-bruteforce-success alert instead). It names the address, the
#   accounts tried and how many attempts there were. The "Invalid user" line sshd writes
#   before an unknown account's attempts is not counted as an attempt of its own.
# scope: package
# custom:
#   id: linux-ssh-bruteforce-failed
#   kind: alert
#   alert_type: linux-ssh-bruteforce-failed
#   severity: Medium
#   tactics: [Credential Access]
#   techniques: [T1110, T1110.001]
#   parameters:
#     min_failures: 10
#     window_minutes: 60
#   remediation: |-
#     1. Block the source address at the network security group or host firewall.
#     2. Make sure password authentication is off (PasswordAuthentication no) and root cannot log in.
#     3. Close port 22 to the Internet or use just-in-time access; install fail2ban or an equivalent.
package posture.alerts.ssh_bruteforce_failed

import data.posture.lib.alerts as lib

_n := lib.number("min_failures", 10)

_w := lib.number("window_minutes", 60) * lib.minute_ns

alerts contains a if {
	some m in input.machines
	ls := lib.logins(m)
	successes := lib.by_source(ls, "success")
	some source, failures in lib.by_source(ls, "failure")
	ts := [l.ns | some l in failures]
	start := lib.window_start(ts, _n, _w)
	not _succeeded_after(successes, source, start)
	tried := sort({l.user | some l in failures; l.user != ""})
	a := {
		"machine": m.id,
		"message": sprintf("%s failed %d SSH logins (at least %d within %v minutes, from %s; last at %s); accounts tried: %s; no login from it succeeded", [source, count(failures), _n, lib.number("window_minutes", 60), lib.rfc(start), lib.rfc(max(ts)), concat(", ", tried)]),
		"start": lib.rfc(start),
		"end": lib.rfc(max(ts)),
		"entities": {"sourceAddress": source, "accounts": tried},
		"evidence": [{"time": l.time, "user": l.user, "method": l.method} | some l in lib.first(failures, 10)],
		"key": source,
	}
}

_succeeded_after(successes, source, start) if {
	some l in successes[source]
	l.ns >= start
}
