# METADATA
# title: Auditing or system logging was disabled
# description: >-
#   auditd or journald stopped recording: attackers switch off auditing before they act so
#   nothing is left to investigate. The alert fires when auditd is installed and enabled but
#   not running; when journald discards logs (Storage=none) or is not running; with history,
#   when auditd ran or was enabled in the previous snapshot and no longer does, or journald
#   kept logs (persistent or auto) and now keeps them only in memory or not at all; and for
#   sudo commands that stop, disable or mask auditd, journald or rsyslog, or switch auditing
#   off with auditctl. An auditd that was never installed or enabled is a configuration
#   finding (see machine-os-baseline), not an alert.
# scope: package
# custom:
#   id: linux-logging-disabled
#   kind: alert
#   alert_type: linux-logging-disabled
#   severity: Low
#   tactics: [Defense Evasion]
#   techniques: [T1562.001, T1562.012]
#   remediation: |-
#     1. Find out who stopped the service and why (sudo events, logins before the change).
#     2. Start and enable it again (systemctl enable --now auditd) and restore journald's Storage setting.
#     3. Forward logs to a central collector so stopping local logging cannot erase what happened.
package posture.alerts.logging_disabled

import data.posture.lib.alerts as lib
import data.posture.lib.util

_logging(doc) := object.get(doc, ["baseline", "logging"], {})

alerts contains a if {
	some m in input.machines
	l := _logging(lib.snapshot(m))
	l.auditdInstalled == true
	l.auditdEnabled == true
	l.auditdRunning == false
	not _commanded(m, "auditd")
	a := _state(m, "auditd", "auditd is installed and enabled but not running", l)
}

alerts contains a if {
	some m in input.machines
	l := _logging(lib.snapshot(m))
	util.lc(l.journaldStorage) == "none"
	a := _state(m, "journald", "journald discards every log (Storage=none)", l)
}

alerts contains a if {
	some m in input.machines
	l := _logging(lib.snapshot(m))
	l.journaldRunning == false
	not _commanded(m, "journald")
	a := _state(m, "journald", "systemd-journald is not running", l)
}

alerts contains a if {
	some m in input.machines
	prev := lib.previous(m)
	before := _logging(prev)
	now := _logging(lib.snapshot(m))
	some field in ["auditdRunning", "auditdEnabled"]
	before[field] == true
	now[field] == false
	not _reported_by_state(now)
	a := _change(m, prev, "auditd", sprintf("auditd %s in the snapshot of %s and no longer does", [_verb(field), lib.collected(prev)]), before, now)
}

alerts contains a if {
	some m in input.machines
	prev := lib.previous(m)
	before := _logging(prev)
	now := _logging(lib.snapshot(m))
	util.lc(before.journaldStorage) in {"persistent", "auto"}
	util.lc(now.journaldStorage) == "volatile"
	a := _change(m, prev, "journald", sprintf("journald kept logs on disk (Storage=%s) in the snapshot of %s and now keeps them only in memory", [before.journaldStorage, lib.collected(prev)]), before, now)
}

alerts contains a if {
	some m in input.machines
	some e in _stops(m)
	a := {
		"machine": m.id,
		"message": sprintf("%s ran `%s` through %s: logging is being switched off", [lib.str(e, "user"), e.command, lib.str(e, "tool")]),
		"start": e.time,
		"end": e.time,
		"entities": {"account": lib.str(e, "user"), "command": e.command, "service": _service(e.command)},
		"evidence": [e],
		"key": concat("|", [lib.str(e, "user"), e.command]),
	}
}

# sudo commands that stop, disable or mask a logging service or switch auditing off.
_stops(m) := [e |
	some e in lib.items(m, ["events", "privilege"])
	lib.ns(e.time)
	regex.match(`(?i)(systemctl\s+(stop|disable|mask|kill)\s+.*\b(auditd|systemd-journald|rsyslog)\b|\bservice\s+(auditd|rsyslog)\s+stop|\bauditctl\s+(-e\s*0|-D\b))`, lib.str(e, "command"))
]

_service(command) := "journald" if regex.match(`(?i)journald`, command)

else := "rsyslog" if regex.match(`(?i)rsyslog`, command)

else := "auditd"

# A command alert already explains the state: one alert for one act.
_commanded(m, service) if {
	some e in _stops(m)
	_service(e.command) == service
}

_verb("auditdRunning") := "ran"

_verb("auditdEnabled") := "was enabled"

# The current state alone already explains it: one alert, not two.
_reported_by_state(l) if {
	l.auditdInstalled == true
	l.auditdEnabled == true
	l.auditdRunning == false
}

_state(m, service, what, l) := {
	"machine": m.id,
	"message": what,
	"start": lib.collected(lib.snapshot(m)),
	"end": lib.collected(lib.snapshot(m)),
	"entities": {"service": service},
	"evidence": [l],
	"key": what,
}

_change(m, prev, service, what, before, now) := {
	"machine": m.id,
	"message": what,
	"start": lib.collected(prev),
	"end": lib.collected(lib.snapshot(m)),
	"entities": {"service": service},
	"evidence": [{"before": before, "now": now}],
	"key": what,
}
