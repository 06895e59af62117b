package posture.storage.public_blob_access

mk_account(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
	"type": "Microsoft.Storage/storageAccounts",
	"name": "st1",
	"properties": props,
}

test_public_access_allowed_is_unhealthy if {
	findings := deny with input as {"resources": [mk_account({"allowBlobPublicAccess": true})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "allowBlobPublicAccess is true")
}

test_public_access_disallowed_is_healthy if {
	count(deny) == 0 with input as {"resources": [mk_account({"allowBlobPublicAccess": false})], "parameters": {}}
}

test_absent_field_counts_as_allowed if {
	findings := deny with input as {"resources": [mk_account({})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
}

test_string_and_case_variants if {
	count(deny) == 0 with input as {"resources": [mk_account({"allowBlobPublicAccess": "False"})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [mk_account({"allowBlobPublicAccess": "TRUE"})], "parameters": {}}
}

test_null_properties if {
	count(deny) == 1 with input as {"resources": [{"id": "/x/st2", "type": "microsoft.storage/storageaccounts"}], "parameters": {}}
}
