# METADATA
# title: Hidden file execution detected
# description: >-
#   A program runs from a hidden file (its name starts with a dot), from a hidden folder, or
#   from /tmp, /var/tmp or /dev/shm: places where intruders drop tools because nobody looks
#   there and anyone may write. Folders of well-known tools that live under a dot folder
#   (~/.vscode-server, ~/.cargo, ~/.rustup, ...: the `allowed` parameter, matched as path
#   fragments) are left out. Informational on its own; worth a look next to other alerts.
# scope: package
# custom:
#   id: linux-hidden-file-execution
#   kind: alert
#   alert_type: linux-hidden-file-execution
#   severity: Informational
#   tactics: [Defense Evasion, Execution]
#   techniques: [T1564.001]
#   parameters:
#     allowed: [/.vscode-server/, /.cursor-server/, /.cargo/, /.rustup/, /.local/bin/, /.nvm/, /.pyenv/, /.sdkman/, /.bun/, /.deno/]
#   remediation: |-
#     1. Look at the program: who owns the file, when it appeared, what it connects to.
#     2. If nobody can explain it, stop it, keep a copy, and look for how it was started.
#     3. Mount /tmp, /var/tmp and /dev/shm with noexec where the workload allows.
package posture.alerts.hidden_file_execution

import data.posture.lib.alerts as lib

_allowed := [lower(x) | some x in lib.list("allowed", [])]

alerts contains a if {
	some m in input.machines
	lib.family(m) != "windows"
	some p in lib.processes(m)
	path := lib.exe(p)
	why := _why(path)
	not _allowed_path(path)
	t := lib.started(m, p)
	a := {
		"machine": m.id,
		"message": sprintf("%s runs %s (%s) as %s", [_pid(p), path, why, lib.str(p, "user")]),
		"start": t,
		"end": t,
		"entities": {"process": path, "commandLine": lib.command(p), "account": lib.str(p, "user")},
		"evidence": [p],
		"key": path,
	}
}

_why(path) := "from a temporary folder anyone may write to" if regex.match(`^/(tmp|var/tmp|dev/shm)/`, path)

else := "a hidden file" if regex.match(`/\.[^/]+$`, path)

else := "from a hidden folder" if regex.match(`/\.[^/]+/`, path)

_allowed_path(path) if {
	some fragment in _allowed
	contains(lower(path), fragment)
}

_pid(p) := sprintf("process %v", [p.pid]) if is_number(p.pid)

else := "a process"
