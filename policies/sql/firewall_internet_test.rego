package posture.sql.firewall_internet

server_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1"

server := {"id": server_id, "type": "Microsoft.Sql/servers", "name": "sql1", "properties": {}}

rule(name, start, end) := {
	"id": concat("", [server_id, "/firewallRules/", name]),
	"type": "Microsoft.Sql/servers/firewallRules",
	"name": name,
	"properties": {"startIpAddress": start, "endIpAddress": end},
}

index(list) := {lower(r.id): r | some r in list}

test_all_internet_rule_is_unhealthy_and_named if {
	findings := deny with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([server, rule("AllowAll", "0.0.0.0", "255.255.255.255")])
	count(findings) == 1
	some f in findings
	f.fix.rule == "AllowAll"
	contains(f.message, "AllowAll")
	f.resource == server_id
}

test_each_offending_rule_is_a_finding if {
	findings := deny with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([
			rule("AllowAll", "0.0.0.0", "255.255.255.255"),
			rule("open2", "0.0.0.0", "255.255.255.255"),
		])
	count(findings) == 2
}

test_narrow_and_azure_services_rules_are_healthy if {
	count(deny) == 0 with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([
			server,
			rule("AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0"),
			rule("office", "203.0.113.0", "203.0.113.255"),
			rule("almost", "0.0.0.1", "255.255.255.255"),
		])
}

test_missing_rules_and_fields_are_healthy if {
	count(deny) == 0 with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([server])
	partial := object.remove(rule("x", "0.0.0.0", "255.255.255.255"), ["properties"])
	count(deny) == 0 with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([partial])
	count(deny) == 0 with input as {"resources": [server], "parameters": {}}
		with data.posture.resources as index([rule("n", "0.0.0.0", null)])
}

test_case_and_spacing_variants if {
	odd := {"id": upper(server_id), "type": "MICROSOFT.SQL/SERVERS", "name": "SQL1"}
	child := {
		"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/RG-DATA/providers/Microsoft.Sql/servers/SQL1/FirewallRules/Open",
		"type": "microsoft.sql/servers/firewallrules",
		"properties": {"startIpAddress": " 0.0.0.0", "endIpAddress": "255.255.255.255 "},
	}
	findings := deny with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([child])
	count(findings) == 1
	some f in findings
	f.fix.rule == "Open"
}
