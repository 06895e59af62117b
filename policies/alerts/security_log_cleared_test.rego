package posture.alerts.security_log_cleared

fx_now := "2026-11-25T22:10:00Z"

fx_inp(events) := {"machines": [{"id": "/m/sql-01", "hostname": "SQL-01", "snapshot": {"collectedAt": fx_now, "events": {"windows": events}}, "history": []}], "parameters": {}, "now": fx_now}

test_a_cleared_security_or_system_log_fires if {
	cleared := {"time": "2026-11-25T21:40:00Z", "eventId": 1102, "channel": "Security", "data": {"SubjectUserName": "mallory", "SubjectDomainName": "CONTOSO"}}
	{a.message | some a in alerts} == {"the Security event log was cleared by CONTOSO\\mallory at 2026-11-25T21:40:00Z (event 1102)"} with input as fx_inp([cleared])
	system := {"time": "2026-11-25T21:41:00Z", "eventId": 104, "channel": "System", "account": "CONTOSO\\mallory", "data": {"Channel": "Application"}}
	{a.message | some a in alerts} == {"the Application event log was cleared by CONTOSO\\mallory at 2026-11-25T21:41:00Z (event 104)"} with input as fx_inp([system])
}

test_other_events_are_quiet if {
	count(alerts) == 0 with input as fx_inp([{"time": "2026-11-25T21:40:00Z", "eventId": 4624, "data": {}}])
}

test_missing_events_and_fields_are_handled if {
	count(alerts) == 0 with input as fx_inp(null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
	count(alerts) == 0 with input as fx_inp([{"time": "not a time", "eventId": 1102}])
	{a.message | some a in alerts} == {"the Security event log was cleared by an unknown account at 2026-11-25T21:40:00Z (event 1102)"} with input as fx_inp([{"time": "2026-11-25T21:40:00Z", "eventId": 1102}])
}

test_case_variants if {
	e := {"time": "2026-11-25T21:40:00Z", "eventId": "1102", "data": {"subjectusername": "mallory"}}
	{a.entities.account | some a in alerts} == {"mallory"} with input as fx_inp([e])
}
