package posture.storage.secure_transfer

account(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
	"type": "Microsoft.Storage/storageAccounts",
	"name": "st1",
	"properties": props,
}

test_http_allowed_is_unhealthy if {
	findings := deny with input as {"resources": [account({"supportsHttpsTrafficOnly": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "false")
}

test_https_only_is_healthy if {
	count(deny) == 0 with input as {"resources": [account({"supportsHttpsTrafficOnly": true})], "parameters": {}}
}

test_absent_field_is_the_secure_default if {
	count(deny) == 0 with input as {"resources": [account({})], "parameters": {}}
}

test_string_and_case_variants if {
	findings := deny with input as {"resources": [account({"supportsHttpsTrafficOnly": "False"})], "parameters": {}}
	count(findings) == 1
	count(deny) == 0 with input as {"resources": [account({"supportsHttpsTrafficOnly": "TRUE"})], "parameters": {}}
}
