# METADATA
# title: Process associated with digital currency mining detected
# description: >-
#   A running process, or a process start the snapshot recorded (Windows event 4688), is a
#   known cryptocurrency miner by name (xmrig, minerd, cpuminer, kinsing, ...: the `names`
#   parameter) or talks to a mining pool (stratum URLs, well-known pool domains, miner
#   options: the `pool_patterns` parameter, regular expressions matched case-insensitively
#   against the command line). Miners are the most common payload after a break-in: they
#   burn the machine's compute and mean someone else runs code on it.
# scope: package
# custom:
#   id: linux-crypto-miner
#   kind: alert
#   alert_type: linux-crypto-miner
#   severity: Medium
#   tactics: [Execution, Impact]
#   techniques: [T1496]
#   parameters:
#     names: [xmrig, xmr-stak, xmr-stak-cpu, minerd, cpuminer, cpuminer-multi, cgminer, bfgminer, ethminer, nbminer, t-rex, phoenixminer, lolminer, nanominer, gminer, teamredminer, kdevtmpfsi, kinsing, sysupdate]
#     pool_patterns: ['stratum\d*\+(tcp|ssl|tls)://', '--donate-level', '--cpu-priority', '\b(minexmr|supportxmr|moneroocean|nanopool|2miners|f2pool|hashvault|c3pool|nicehash|herominers|xmrpool|unmineable)\.(com|net|org|pro)\b']
#   remediation: |-
#     1. Stop the process and remove its executable; keep a copy (or its hash) for investigation.
#     2. Find how it started (its parent process, cron, systemd units, the account it runs as) and remove that persistence.
#     3. Treat the machine as compromised: find the way in (exposed services, leaked credentials) and close it; rebuilding is safest.
package posture.alerts.crypto_miner

import data.posture.lib.alerts as lib

_names := {lower(n) | some n in lib.list("names", [])}

_patterns := lib.list("pool_patterns", [])

alerts contains a if {
	some m in input.machines
	some p in lib.launches(m)
	lib.ns(p.time)
	why := _why(p)
	count(why) > 0
	a := {
		"machine": m.id,
		"message": sprintf("%s (%s) looks like a cryptocurrency miner: %s", [_shown(p), p.from, concat("; ", sort(why))]),
		"start": p.time,
		"end": p.time,
		"entities": {"process": p.exe, "commandLine": p.command, "account": p.user, "sha256": p.sha256},
		"evidence": [p],
		"key": concat("|", [p.exe, p.command]),
	}
}

_why(p) := {w |
	some w in _name_match(p)
} | {w |
	some pattern in _patterns
	regex.is_valid(concat("", ["(?i)", pattern]))
	found := regex.find_n(concat("", ["(?i)", pattern]), p.command, 1)
	count(found) == 1
	w := sprintf("its command line has %s", [found[0]])
}

_name_match(p) := {sprintf("it is named %s", [n]) |
	some file in {_file(p.exe), _file(_argv0(p.command))}
	n := trim_suffix(file, ".exe")
	n in _names
}

_file(path) := lower(parts[count(parts) - 1]) if {
	parts := regex.split(`[/\\]`, path)
	count(parts) > 0
}

_argv0(command) := split(trim_space(command), " ")[0]

_shown(p) := p.exe if p.exe != ""

else := p.command
