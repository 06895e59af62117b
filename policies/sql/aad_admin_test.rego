package posture.sql.aad_admin

server_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1"

server(props) := {"id": server_id, "type": "Microsoft.Sql/servers", "name": "sql1", "properties": props}

admin := {
	"administratorType": "ActiveDirectory",
	"principalType": "Group",
	"login": "sql-admins",
	"sid": "5b0e7b2f-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
	"tenantId": "11111111-2222-3333-4444-555555555555",
}

child(props) := {
	"id": concat("", [server_id, "/administrators/ActiveDirectory"]),
	"type": "Microsoft.Sql/servers/administrators",
	"name": "ActiveDirectory",
	"properties": props,
}

index(list) := {lower(r.id): r | some r in list}

test_no_admin_is_unhealthy if {
	findings := deny with input as {"resources": [server({"administratorLogin": "sqladmin"})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "no Azure AD administrator")
}

test_admin_property_is_healthy if {
	count(deny) == 0 with input as {"resources": [server({"administrators": admin})], "parameters": {}}
}

test_admin_child_is_healthy if {
	count(deny) == 0 with input as {"resources": [server({})], "parameters": {}}
		with data.posture.resources as index([child(admin)])
}

test_missing_fields_are_unhealthy if {
	count(deny) == 1 with input as {"resources": [{"id": server_id, "type": "Microsoft.Sql/servers"}], "parameters": {}}
	count(deny) == 1 with input as {"resources": [server({"administrators": {"administratorType": "ActiveDirectory"}})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [server({"administrators": {"login": " "}})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [server({"administrators": null})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [server({})], "parameters": {}}
		with data.posture.resources as index([child(null)])
}

test_other_administrator_type_is_unhealthy if {
	count(deny) == 1 with input as {"resources": [server({"administrators": object.union(admin, {"administratorType": "SqlLogin"})})], "parameters": {}}
}

test_case_variants if {
	odd := {"id": upper(server_id), "type": "microsoft.sql/servers", "properties": {}}
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([child({"administratorType": "activeDirectory", "sid": "5b0e7b2f"})])
	count(deny) == 0 with input as {"resources": [server({"administrators": {"login": "ops"}})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [server({"administrators": {"login": "ops", "administratorType": null}})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [server({"administrators": {"login": "ops", "administratorType": 7}})], "parameters": {}}
}
