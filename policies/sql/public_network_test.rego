package posture.sql.public_network

server(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1",
	"type": "Microsoft.Sql/servers",
	"name": "sql1",
	"properties": props,
}

test_enabled_is_unhealthy if {
	findings := deny with input as {"resources": [server({"publicNetworkAccess": "Enabled"})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "Enabled")
}

test_disabled_is_healthy if {
	count(deny) == 0 with input as {"resources": [server({"publicNetworkAccess": "Disabled"})], "parameters": {}}
}

test_absent_is_unhealthy if {
	findings := deny with input as {"resources": [server({})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
}

test_secured_by_perimeter_is_unhealthy if {
	count(deny) == 1 with input as {"resources": [server({"publicNetworkAccess": "SecuredByPerimeter"})], "parameters": {}}
}

test_case_variants if {
	odd := object.union(server({"publicNetworkAccess": "disabled"}), {"type": "MICROSOFT.SQL/servers"})
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 1 with input as {"resources": [server({"publicNetworkAccess": "ENABLED"})], "parameters": {}}
}
