# METADATA
# title: A port is listening for the first time
# description: >-
#   The machine listens on a port (protocol and number) that none of its earlier snapshots
#   showed: a new service, or a backdoor or tunnel waiting for connections. The baseline is
#   the machine's history (--history, or older snapshots given to the assessment) that knew
#   the listening ports, at least `min_history` snapshots (default 1); the alert states that
#   window. Ports bound only to loopback are left out unless `include_loopback` is true, and
#   `ignore_ports` lists ports never to report.
# scope: package
# custom:
#   id: anomaly-new-listening-port
#   kind: alert
#   alert_type: anomaly-new-listening-port
#   severity: Medium
#   source: anomaly
#   tactics: [Command and Control, Persistence]
#   techniques: [T1571, T1205]
#   parameters:
#     min_history: 1
#     include_loopback: false
#     ignore_ports: []
#   remediation: |-
#     1. Find the process behind the port (the alert names it when the collector could) and whether a change explains it.
#     2. If nobody expects it, stop the process, keep its executable, and look for how it was started.
#     3. Restrict inbound traffic to the ports the workload needs (NSG, host firewall).
package posture.alerts.anomaly_new_listening_port

import data.posture.lib.alerts as lib

_path := ["network", "listening"]

_ignored := {n | some n in object.get(input.parameters, "ignore_ports", []); is_number(n)}

_loopback := object.get(input.parameters, "include_loopback", false) == true

alerts contains a if {
	some m in input.machines
	b := lib.baseline(m, _path)
	seen := {_port(l) | some h in b.docs; some l in lib.at(h, _path)}
	now := [l | some l in lib.items(m, _path); _counted(l)]
	some port in {_port(l) | some l in now}
	not port in seen
	holders := [l | some l in now; _port(l) == port]
	at := lib.collected(lib.snapshot(m))
	a := {
		"machine": m.id,
		"message": sprintf("%s port %d is listening (%s) and was not in %s", [port[0], port[1], _who(holders), lib.window(b)]),
		"start": b.to,
		"end": at,
		"entities": {"protocol": port[0], "port": port[1], "process": _process(holders)},
		"evidence": [{"listening": holders, "baseline": lib.stated(b)}],
		"key": sprintf("%s/%d", port),
	}
}

_port(l) := [lower(l.protocol), l.port] if {
	is_string(l.protocol)
	is_number(l.port)
}

_counted(l) if {
	_port(l)
	not l.port in _ignored
	_loopback_ok(l)
}

_loopback_ok(_) if _loopback

_loopback_ok(l) if not _is_loopback(lib.str(l, "address"))

_is_loopback(address) if startswith(address, "127.")

_is_loopback(address) if address == "::1"

_process(holders) := p if {
	ps := sort({h.process | some h in holders; is_string(h.process)})
	count(ps) > 0
	p := concat(", ", ps)
} else := ""

_who(holders) := sprintf("%s on %s", [p, concat(", ", sort({lib.str(h, "address") | some h in holders}))]) if {
	p := _process(holders)
	p != ""
} else := sprintf("on %s", [concat(", ", sort({lib.str(h, "address") | some h in holders}))])
