package posture.sql.db_tde

db_id(name) := concat("", ["/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1/databases/", name])

db(name) := {"id": db_id(name), "type": "Microsoft.Sql/servers/databases", "name": name, "properties": {"status": "Online"}}

tde(name, props) := {
	"id": concat("", [db_id(name), "/transparentDataEncryption/current"]),
	"type": "Microsoft.Sql/servers/databases/transparentDataEncryption",
	"name": "current",
	"properties": props,
}

index(list) := {lower(r.id): r | some r in list}

test_disabled_tde_is_unhealthy if {
	findings := deny with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([db("orders"), tde("orders", {"state": "Disabled"})])
	count(findings) == 1
	some f in findings
	contains(f.message, "Disabled")
	f.fix == {"server": "sql1", "database": "orders"}
}

test_enabled_tde_is_healthy if {
	count(deny) == 0 with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([tde("orders", {"state": "Enabled"})])
}

test_missing_child_is_unhealthy if {
	findings := deny with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([db("orders")])
	count(findings) == 1
	some f in findings
	contains(f.message, "no transparentDataEncryption")
}

test_missing_state_is_unhealthy if {
	count(deny) == 1 with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([object.remove(tde("orders", {}), ["properties"])])
	count(deny) == 1 with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([tde("orders", null)])
}

test_master_is_not_applicable if {
	count(deny) == 0 with input as {"resources": [db("master")], "parameters": {}}
	count(applicable) == 0 with input as {"resources": [db("master")], "parameters": {}}
	count(applicable) == 1 with input as {"resources": [db("orders"), db("Master")], "parameters": {}}
}

test_old_api_status_and_case_variants if {
	count(deny) == 0 with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([tde("orders", {"status": "Enabled"})])
	odd := {"id": upper(db_id("orders")), "type": "microsoft.sql/servers/DATABASES"}
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([tde("orders", {"state": "enabled"})])
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([tde("orders", {"state": "DISABLED"})])
}

test_tde_of_another_database_does_not_count if {
	count(deny) == 1 with input as {"resources": [db("orders")], "parameters": {}}
		with data.posture.resources as index([tde("orders2", {"state": "Enabled"})])
}

test_short_id_still_reported if {
	short := {"id": "orders", "type": "Microsoft.Sql/servers/databases"}
	findings := deny with input as {"resources": [short], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.fix == {"database": "orders"}
}
