package posture.storage.shared_key_access

mk_account(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
	"type": "Microsoft.Storage/storageAccounts",
	"name": "st1",
	"properties": props,
}

test_shared_key_allowed_is_unhealthy if {
	findings := deny with input as {"resources": [mk_account({"allowSharedKeyAccess": true})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "allowSharedKeyAccess is true")
}

test_shared_key_disabled_is_healthy if {
	count(deny) == 0 with input as {"resources": [mk_account({"allowSharedKeyAccess": false})], "parameters": {}}
}

test_absent_field_is_unhealthy if {
	findings := deny with input as {"resources": [mk_account({})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
}

test_string_and_case_variants if {
	count(deny) == 0 with input as {"resources": [mk_account({"allowSharedKeyAccess": "FALSE"})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [mk_account({"allowSharedKeyAccess": "True"})], "parameters": {}}
}
