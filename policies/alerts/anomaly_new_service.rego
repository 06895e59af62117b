# METADATA
# title: A service is enabled for the first time
# description: >-
#   A service (a systemd unit on Linux, a Windows service) is enabled that none of the
#   machine's earlier snapshots showed enabled: new software, or persistence an intruder
#   installed to survive reboots. The baseline is the history that knew the enabled
#   services, at least `min_history` snapshots (default 1); the alert states that window.
# scope: package
# custom:
#   id: anomaly-new-service
#   kind: alert
#   alert_type: anomaly-new-service
#   severity: Low
#   source: anomaly
#   tactics: [Persistence]
#   techniques: [T1543.002, T1543.003]
#   parameters:
#     min_history: 1
#   remediation: |-
#     1. Find the service's unit file or registration, its executable and the package it belongs to.
#     2. If no change explains it, disable and stop it, keep its files, and look for how it was installed.
#     3. Install services only through packages or configuration management so each one has an owner.
package posture.alerts.anomaly_new_service

import data.posture.lib.alerts as lib

_path := ["baseline", "services", "enabled"]

alerts contains a if {
	some m in input.machines
	b := lib.baseline(m, _path)
	seen := {lower(s) | some h in b.docs; some s in lib.strings(h, _path)}
	some name in lib.strings(lib.snapshot(m), _path)
	not lower(name) in seen
	at := lib.collected(lib.snapshot(m))
	a := {
		"machine": m.id,
		"message": sprintf("service %s is enabled and was not in %s", [name, lib.window(b)]),
		"start": b.to,
		"end": at,
		"entities": {"service": name},
		"evidence": [{"service": name, "baseline": lib.stated(b)}],
		"key": lower(name),
	}
}
