package posture.alerts.wdigest_enabled

fx_now := "2026-11-25T22:10:00Z"

fx_key := `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`

fx_inp(registry, events) := {"machines": [{"id": "/m/sql-01", "hostname": "SQL-01", "snapshot": {"collectedAt": fx_now, "baseline": {"registry": registry}, "events": {"windows": events}}, "history": []}], "parameters": {}, "now": fx_now}

test_use_logon_credential_on_fires if {
	reg := [{"path": fx_key, "name": "UseLogonCredential", "value": 1, "type": "REG_DWORD"}]
	out := alerts with input as fx_inp(reg, [])
	count(out) == 1
	some a in out
	a.start == fx_now
	change := {"time": "2026-11-25T21:55:00Z", "eventId": 4657, "data": {"ObjectName": concat("", ["\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Control\\SecurityProviders\\WDigest"]), "ObjectValueName": "UseLogonCredential", "NewValue": "1", "SubjectUserName": "mallory"}}
	{x.message | some x in alerts} == {sprintf("mallory set %s\\UseLogonCredential to 1 at 2026-11-25T21:55:00Z", [fx_key])} with input as fx_inp(reg, [change])
}

test_off_or_absent_is_quiet if {
	count(alerts) == 0 with input as fx_inp([{"path": fx_key, "name": "UseLogonCredential", "value": 0}], [])
	count(alerts) == 0 with input as fx_inp([{"path": fx_key, "name": "UseLogonCredential", "value": null}], [])
	other := {"time": "2026-11-25T21:55:00Z", "eventId": 4657, "data": {"ObjectName": "\\REGISTRY\\MACHINE\\SOFTWARE\\X", "ObjectValueName": "UseLogonCredential", "NewValue": "1"}}
	count(alerts) == 0 with input as fx_inp([], [other])
}

test_missing_registry_is_quiet if {
	count(alerts) == 0 with input as fx_inp(null, null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
}

test_case_and_spelling_variants if {
	reg := [{"path": `HKEY_LOCAL_MACHINE\system\currentcontrolset\control\securityproviders\wdigest\`, "name": "uselogoncredential", "value": "0x1"}]
	count(alerts) == 1 with input as fx_inp(reg, [])
}
