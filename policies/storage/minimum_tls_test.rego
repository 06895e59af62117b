package posture.storage.minimum_tls

mk_account(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
	"type": "Microsoft.Storage/storageAccounts",
	"name": "st1",
	"properties": props,
}

mk_input(props, minimum) := {"resources": [mk_account(props)], "parameters": {"minimum": minimum}}

test_tls_1_0_is_unhealthy if {
	findings := deny with input as mk_input({"minimumTlsVersion": "TLS1_0"}, "TLS1_2")
	count(findings) == 1
	some f in findings
	contains(f.message, "TLS1_0")
	f.fix == {"minimum": "TLS1_2"}
}

test_tls_1_1_is_unhealthy if {
	count(deny) == 1 with input as mk_input({"minimumTlsVersion": "TLS1_1"}, "TLS1_2")
}

test_tls_1_2_and_1_3_are_healthy if {
	count(deny) == 0 with input as mk_input({"minimumTlsVersion": "TLS1_2"}, "TLS1_2")
	count(deny) == 0 with input as mk_input({"minimumTlsVersion": "TLS1_3"}, "TLS1_2")
}

test_absent_field_is_unhealthy if {
	findings := deny with input as mk_input({}, "TLS1_2")
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
}

test_spelling_variants if {
	count(deny) == 0 with input as mk_input({"minimumTlsVersion": "1.2"}, "TLS1_2")
	count(deny) == 0 with input as mk_input({"minimumTlsVersion": "Tls12"}, "TLS1_2")
	count(deny) == 0 with input as mk_input({"minimumTlsVersion": "tls1_2"}, "TLS1_2")
	count(deny) == 0 with input as mk_input({"minimumTlsVersion": 1.2}, "1.2")
	count(deny) == 1 with input as mk_input({"minimumTlsVersion": "Tls10"}, "Tls12")
}

test_stricter_parameter if {
	findings := deny with input as mk_input({"minimumTlsVersion": "TLS1_2"}, "TLS1_3")
	count(findings) == 1
	some f in findings
	f.fix == {"minimum": "TLS1_3"}
}

test_unrecognised_value_is_unhealthy if {
	findings := deny with input as mk_input({"minimumTlsVersion": "SSL3"}, "TLS1_2")
	count(findings) == 1
	some f in findings
	contains(f.message, "SSL3 is not a recognised TLS version")
}

test_invalid_parameter_is_reported if {
	findings := deny with input as mk_input({"minimumTlsVersion": "TLS1_2"}, "strong")
	count(findings) == 1
	some f in findings
	contains(f.message, "cannot assess")
}
