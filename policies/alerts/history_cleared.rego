# METADATA
# title: A shell history file has been cleared
# description: >-
#   A user's shell history was emptied, truncated, deleted or sent to /dev/null: a common
#   step to cover tracks after an intrusion. The alert fires for a history file that is a
#   symbolic link to /dev/null; for one that is empty and was modified within
#   `window_hours` (default 24) before the snapshot; with history, for one that is smaller
#   than in the previous snapshot or gone while its home is still readable; and for sudo
#   commands that remove, truncate or shred a history file or link it to /dev/null.
# scope: package
# custom:
#   id: linux-history-cleared
#   kind: alert
#   alert_type: linux-history-cleared
#   severity: Medium
#   tactics: [Defense Evasion]
#   techniques: [T1070.003]
#   parameters:
#     window_hours: 24
#   remediation: |-
#     1. Ask the account's owner whether they cleared it; if not, treat the account as compromised.
#     2. Review the account's logins, sudo use and processes around the time the file changed.
#     3. Send shell commands to a central log (auditd execve rules, or PROMPT_COMMAND to syslog) so clearing the local file hides nothing.
package posture.alerts.history_cleared

import data.posture.lib.alerts as lib

_path := ["events", "shellHistory"]

_window := lib.number("window_hours", 24) * lib.hour_ns

alerts contains a if {
	some m in input.machines
	some f in lib.items(m, _path)
	lower(lib.str(f, "linkTarget")) == "/dev/null"
	at := lib.collected(lib.snapshot(m))
	a := _alert(m, f, at, at, "links to /dev/null: nothing typed is kept")
}

alerts contains a if {
	some m in input.machines
	some f in lib.items(m, _path)
	f.size == 0
	not lower(lib.str(f, "linkTarget")) == "/dev/null"
	now := lib.ns(lib.collected(lib.snapshot(m)))
	changed := lib.ns(f.modified)
	now - changed <= _window
	changed <= now
	a := _alert(m, f, f.modified, f.modified, sprintf("is empty, modified at %s", [f.modified]))
}

alerts contains a if {
	some m in input.machines
	prev := lib.previous(m)
	some before in lib.at(prev, _path)
	is_number(before.size)
	before.size > 0
	some f in lib.items(m, _path)
	f.path == before.path
	is_number(f.size)
	f.size < before.size
	f.size != 0
	a := _alert(m, f, lib.collected(prev), lib.collected(lib.snapshot(m)), sprintf("shrank from %d to %d bytes since the snapshot of %s", [before.size, f.size, lib.collected(prev)]))
}

alerts contains a if {
	some m in input.machines
	prev := lib.previous(m)
	lib.known(lib.snapshot(m), _path)
	some before in lib.at(prev, _path)
	is_number(before.size)
	before.size > 0
	not before.path in {f.path | some f in lib.items(m, _path)}
	not _home_unreadable(m, before)
	a := _alert(m, before, lib.collected(prev), lib.collected(lib.snapshot(m)), sprintf("is gone (it held %d bytes in the snapshot of %s)", [before.size, lib.collected(prev)]))
}

alerts contains a if {
	some m in input.machines
	some e in lib.items(m, ["events", "privilege"])
	is_string(e.command)
	regex.match(`(?i)(\b(rm|shred|truncate|unlink)\b.*_history|\bln\b.*/dev/null.*_history|\bhistory\s+-c)`, e.command)
	lib.ns(e.time)
	a := {
		"machine": m.id,
		"message": sprintf("%s ran `%s` through %s: a shell history is being removed", [e.user, e.command, e.tool]),
		"start": e.time,
		"end": e.time,
		"entities": {"account": lib.str(e, "user"), "command": e.command},
		"evidence": [e],
		"key": concat("|", [lib.str(e, "user"), e.command]),
	}
}

_alert(m, f, start, end, what) := {
	"machine": m.id,
	"message": sprintf("the shell history %s of %s %s", [f.path, f.user, what]),
	"start": start,
	"end": end,
	"entities": {"account": lib.str(f, "user"), "path": lib.str(f, "path")},
	"evidence": [f],
	"key": lib.str(f, "path"),
}

_home_unreadable(m, f) if {
	some u in lib.items(m, ["events", "shellHistoryUnreadable"])
	startswith(lib.str(f, "path"), concat("", [lib.str(u, "path"), "/"]))
}
