# METADATA
# title: Known malicious file executed
# description: >-
#   A running process's executable has a SHA-256 that the threat intelligence given with
#   --intel lists as malicious (a file:hashes.'SHA-256' indicator). The collector hashes
#   executables under 64 MiB that it can read, so a process without a hash is not matched;
#   MD5 and SHA-1 indicators are read but cannot match (snapshots carry SHA-256 only). Its
#   severity is the indicator's when the feed gives one.
# scope: package
# custom:
#   id: intel-malicious-file
#   kind: alert
#   alert_type: intel-malicious-file
#   severity: High
#   source: intel
#   tactics: [Execution]
#   techniques: [T1204.002]
#   remediation: |-
#     1. Stop the process, quarantine the file and keep a copy for analysis.
#     2. Isolate the machine; find how the file arrived and what it did (network, new accounts, persistence).
#     3. Scan other machines for the same hash and reimage affected ones.
package posture.alerts.intel_malicious_file

import data.posture.lib.alerts as lib

alerts contains a if {
	some m in input.machines
	some p in lib.launches(m)
	lib.ns(p.time)
	ind := lib.hash_indicator(p.sha256)
	a := object.union(
		{
			"machine": m.id,
			"message": sprintf("%s (SHA-256 %s) is a known malicious file: %s", [p.exe, p.sha256, lib.str(ind, "description")]),
			"start": p.time,
			"end": p.time,
			"entities": {"process": p.exe, "sha256": p.sha256, "account": p.user, "indicatorSource": lib.str(ind, "source")},
			"evidence": [p],
			"key": concat("|", [p.sha256, p.exe]),
		},
		_severity(ind),
	)
}

_severity(ind) := {"severity": ind.severity} if ind.severity in {"High", "Medium", "Low", "Informational"}

else := {}
