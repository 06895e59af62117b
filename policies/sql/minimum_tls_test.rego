package posture.sql.minimum_tls

server(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql1",
	"type": "Microsoft.Sql/servers",
	"name": "sql1",
	"properties": props,
}

params := {"minimum": "1.2"}

test_old_tls_is_unhealthy if {
	findings := deny with input as {"resources": [server({"minimalTlsVersion": "1.0"})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "is 1.0")
	f.fix.minimum == "1.2"
}

test_tls12_and_13_are_healthy if {
	count(deny) == 0 with input as {"resources": [server({"minimalTlsVersion": "1.2"})], "parameters": params}
	count(deny) == 0 with input as {"resources": [server({"minimalTlsVersion": "1.3"})], "parameters": params}
}

test_absent_field_is_unhealthy if {
	findings := deny with input as {"resources": [server({})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
}

test_none_is_unhealthy if {
	findings := deny with input as {"resources": [server({"minimalTlsVersion": "None"})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "None")
}

test_unrecognised_value_is_unhealthy if {
	findings := deny with input as {"resources": [server({"minimalTlsVersion": "SSL3"})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "not a recognised")
}

test_spelling_and_case_variants if {
	count(deny) == 0 with input as {"resources": [server({"minimalTlsVersion": "TLS1_2"})], "parameters": {"minimum": "Tls12"}}
	count(deny) == 1 with input as {"resources": [server({"minimalTlsVersion": "tls1_1"})], "parameters": params}
	count(deny) == 1 with input as {"resources": [server({"minimalTlsVersion": "none"})], "parameters": params}
	odd := object.union(server({"minimalTlsVersion": 1.1}), {"type": "microsoft.sql/SERVERS"})
	count(deny) == 1 with input as {"resources": [odd], "parameters": params}
}

test_stricter_parameter if {
	count(deny) == 1 with input as {"resources": [server({"minimalTlsVersion": "1.2"})], "parameters": {"minimum": "1.3"}}
}

test_bad_parameter_is_reported if {
	findings := deny with input as {"resources": [server({"minimalTlsVersion": "1.2"})], "parameters": {"minimum": "high"}}
	count(findings) == 1
	some f in findings
	contains(f.message, "parameter minimum high")
}
