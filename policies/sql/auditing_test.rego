package posture.sql.auditing

server_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1"

server := {"id": server_id, "type": "Microsoft.Sql/servers", "name": "sql1", "properties": {}}

setting(state) := {
	"id": concat("", [server_id, "/auditingSettings/default"]),
	"type": "Microsoft.Sql/servers/auditingSettings",
	"name": "default",
	"properties": {"state": state, "retentionDays": 90},
}

index(list) := {lower(r.id): r | some r in list}

test_disabled_auditing_is_unhealthy if {
	findings := deny with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([server, setting("Disabled")])
	count(findings) == 1
	some f in findings
	contains(f.message, "Disabled")
}

test_enabled_auditing_is_healthy if {
	count(deny) == 0 with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([server, setting("Enabled")])
}

test_missing_child_is_unhealthy if {
	findings := deny with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([server])
	count(findings) == 1
	some f in findings
	contains(f.message, "no auditingSettings")
}

test_missing_state_is_unhealthy if {
	child := object.remove(setting("x"), ["properties"])
	findings := deny with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([server, child])
	count(findings) == 1
	some f in findings
	contains(f.message, "null")
}

test_case_variants if {
	odd := {
		"id": "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/resourcegroups/RG-DATA/providers/microsoft.sql/servers/SQL1",
		"type": "microsoft.sql/SERVERS",
		"name": "SQL1",
	}
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([setting("enabled")])
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([setting(true)])
}

test_another_servers_setting_does_not_count if {
	other := object.union(setting("Enabled"), {"id": concat("", [server_id, "0/auditingSettings/default"])})
	count(deny) == 1 with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([other])
}
