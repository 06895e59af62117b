package posture.alerts.guest_added_to_administrators

fx_now := "2026-11-25T22:10:00Z"

fx_event(data) := {"time": "2026-11-25T21:50:00Z", "eventId": 4732, "channel": "Security", "data": data}

fx_inp(events, admins) := {"machines": [{"id": "/m/sql-01", "hostname": "SQL-01", "snapshot": {"collectedAt": fx_now, "events": {"windows": events}, "baseline": {"accounts": {"admins": admins}}}, "history": []}], "parameters": {}, "now": fx_now}

test_guest_joining_administrators_fires if {
	e := fx_event({"TargetUserName": "Administrators", "TargetSid": "S-1-5-32-544", "MemberSid": "S-1-5-21-1004336348-1177238915-682003330-501", "SubjectUserName": "mallory"})
	{a.message | some a in alerts} == {"Guest (S-1-5-21-1004336348-1177238915-682003330-501) was added to the local Administrators group by mallory at 2026-11-25T21:50:00Z"} with input as fx_inp([e], ["SQL-01\\Administrator", "SQL-01\\Guest"])
	# without the event, the administrators list tells
	{a.message | some a in alerts} == {"the local administrators include SQL-01\\Guest"} with input as fx_inp([], ["SQL-01\\Administrator", "SQL-01\\Guest"])
}

test_other_members_or_groups_are_quiet if {
	alice := fx_event({"TargetUserName": "Administrators", "MemberName": "CN=alice,OU=Users", "MemberSid": "S-1-5-21-1-2-3-1105"})
	count(alerts) == 0 with input as fx_inp([alice], ["SQL-01\\Administrator"])
	users := fx_event({"TargetUserName": "Users", "TargetSid": "S-1-5-32-545", "MemberSid": "S-1-5-21-1-2-3-501"})
	count(alerts) == 0 with input as fx_inp([users], ["SQL-01\\Administrator", "SQL-01\\Guestbook"])
}

test_missing_data_is_quiet if {
	count(alerts) == 0 with input as fx_inp(null, null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
	count(alerts) == 0 with input as fx_inp([fx_event(null)], [])
}

test_case_variants if {
	e := fx_event({"targetusername": "ADMINISTRATORS", "membername": "sql-01\\GUEST"})
	count(alerts) == 1 with input as fx_inp([e], [])
	count(alerts) == 1 with input as fx_inp([], ["sql-01\\guest"])
}
