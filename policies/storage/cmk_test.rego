package posture.storage.cmk

mk_account(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
	"type": "Microsoft.Storage/storageAccounts",
	"name": "st1",
	"properties": props,
}

test_platform_managed_key_is_unhealthy if {
	findings := deny with input as {"resources": [mk_account({"encryption": {"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": true}}}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "keySource is Microsoft.Storage")
}

test_customer_managed_key_is_healthy if {
	props := {"encryption": {"keySource": "Microsoft.Keyvault", "keyvaultproperties": {"keyname": "cmk", "keyvaulturi": "https://kv.vault.azure.net/"}}}
	count(deny) == 0 with input as {"resources": [mk_account(props)], "parameters": {}}
}

test_absent_key_source_is_platform_managed if {
	findings := deny with input as {"resources": [mk_account({"encryption": {}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent (Microsoft.Storage)")
	count(deny) == 1 with input as {"resources": [mk_account({})], "parameters": {}}
}

test_case_variants if {
	count(deny) == 0 with input as {"resources": [mk_account({"encryption": {"keySource": "MICROSOFT.KEYVAULT"}})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [mk_account({"encryption": {"keySource": "microsoft.storage"}})], "parameters": {}}
}
