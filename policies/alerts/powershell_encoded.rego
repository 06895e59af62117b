# METADATA
# title: PowerShell ran an encoded command
# description: >-
#   PowerShell (powershell.exe or pwsh) was started with -EncodedCommand (or any of its
#   abbreviations: -e, -ec, -en, -enc, ...): a base64 command line hides what runs from
#   people and from simple filters, and is how many droppers and post-exploitation
#   frameworks start their payload. The alert covers running processes and process-creation
#   events (4688), and shows the decoded command when the base64 decodes.
# scope: package
# custom:
#   id: windows-powershell-encoded-command
#   kind: alert
#   alert_type: windows-powershell-encoded-command
#   severity: High
#   tactics: [Execution, Defense Evasion]
#   techniques: [T1059.001, T1027]
#   remediation: |-
#     1. Read the decoded command in the alert's evidence and find what started PowerShell (the parent process, a scheduled task, a service, a document).
#     2. If it downloads or runs anything, isolate the machine and investigate; reset the credentials of the account it ran as.
#     3. Turn on PowerShell script block logging and Constrained Language Mode, and block encoded commands with application control where possible.
package posture.alerts.powershell_encoded

import data.posture.lib.alerts as lib

# -e, -ec, -en, -enc ... -encodedcommand (and the /e forms), followed by the base64 text.
_flag := `(?i)(^|\s)[-/](e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)\s+("?)([A-Za-z0-9+/=]{8,})`

alerts contains a if {
	some m in input.machines
	some p in lib.launches(m)
	lib.ns(p.time)
	_powershell(p)
	found := regex.find_all_string_submatch_n(_flag, p.command, 1)
	count(found) == 1
	payload := found[0][4]
	decoded := _decoded(payload)
	a := {
		"machine": m.id,
		"message": sprintf("%s ran PowerShell with an encoded command (%s): %s", [_who(p), p.from, decoded]),
		"start": p.time,
		"end": p.time,
		"entities": {"process": p.exe, "account": p.user, "commandLine": p.command},
		"evidence": [object.union(p, {"decoded": decoded})],
		"key": p.command,
	}
}

_powershell(p) if regex.match(`(?i)(^|[\\/])(powershell|pwsh)(\.exe)?$`, p.exe)

_powershell(p) if regex.match(`(?i)^"?([^ ]*[\\/])?(powershell|pwsh)(\.exe)?"?(\s|$)`, p.command)

# The payload as text: UTF-16LE as PowerShell encodes it (NULs dropped), cut to 200
# characters; the base64 itself when it does not decode.
_decoded(b) := substring(replace(base64.decode(b), "\u0000", ""), 0, 200) if base64.is_valid(b)

else := sprintf("(not valid base64) %s", [substring(b, 0, 200)])

_who(p) := p.user if p.user != ""

else := "a process"
