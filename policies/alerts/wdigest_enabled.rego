# METADATA
# title: Detected enabling of the WDigest UseLogonCredential registry key
# description: >-
#   UseLogonCredential set to 1 under HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\
#   WDigest makes Windows keep plain-text passwords in LSASS memory, where credential
#   dumping tools read them; attackers set it and wait for administrators to log on. The
#   alert fires when the snapshot's registry values show it set to 1, and for a registry
#   change event (4657) that sets it. Windows 8.1 and Server 2012 R2 and later leave it
#   unset (off).
# scope: package
# custom:
#   id: windows-wdigest-enabled
#   kind: alert
#   alert_type: windows-wdigest-enabled
#   severity: Medium
#   tactics: [Credential Access, Defense Evasion]
#   techniques: [T1112, T1003.001]
#   remediation: |-
#     1. Set UseLogonCredential to 0 (or delete the value) and restart, so no plain-text passwords stay in memory.
#     2. Treat the passwords of everyone who logged on since it was set as exposed: rotate them, starting with administrators.
#     3. Find who set it (event 4657 or the tool that changed it) and enforce the value through Group Policy.
package posture.alerts.wdigest_enabled

import data.posture.lib.agent
import data.posture.lib.alerts as lib

_key := `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`

alerts contains a if {
	some m in input.machines
	reg := object.get(lib.snapshot(m), ["baseline", "registry"], null)
	_on(agent.registry_value(reg, _key, "UseLogonCredential"))
	not _changed_by_event(m)
	at := lib.collected(lib.snapshot(m))
	a := {
		"machine": m.id,
		"message": sprintf("%s\\UseLogonCredential is 1: Windows keeps plain-text passwords in memory", [_key]),
		"start": at,
		"end": at,
		"entities": {"registryKey": _key, "registryValue": "UseLogonCredential"},
		"evidence": [{"path": _key, "name": "UseLogonCredential", "value": agent.registry_value(reg, _key, "UseLogonCredential")}],
		"key": "UseLogonCredential",
	}
}

alerts contains a if {
	some m in input.machines
	some e in _changes(m)
	by := lib.field(e, "SubjectUserName")
	a := {
		"machine": m.id,
		"message": sprintf("%s set %s\\UseLogonCredential to 1 at %s", [by, _key, e.time]),
		"start": e.time,
		"end": e.time,
		"entities": {"registryKey": _key, "registryValue": "UseLogonCredential", "account": by},
		"evidence": [e],
		"key": "UseLogonCredential",
	}
}

_changes(m) := [e |
	some e in lib.win_events(m, 4657)
	regex.match(`(?i)\\SecurityProviders\\WDigest\\?$`, lib.field(e, "ObjectName"))
	lower(lib.field(e, "ObjectValueName")) == "uselogoncredential"
	_on(lib.field(e, "NewValue"))
]

_changed_by_event(m) if count(_changes(m)) > 0

_on(v) if v == 1

_on(v) if {
	is_string(v)
	lower(trim_space(v)) in {"1", "0x1", "0x00000001"}
}
