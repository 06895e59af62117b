package posture.keyvault.soft_delete

mk_vault(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod",
	"type": "Microsoft.KeyVault/vaults",
	"name": "kv-prod",
	"properties": props,
}

test_soft_delete_disabled_is_unhealthy if {
	findings := deny with input as {"resources": [mk_vault({"enableSoftDelete": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "enableSoftDelete is false: deleted keys, secrets and certificates cannot be recovered"
}

test_soft_delete_enabled_is_healthy if {
	count(deny) == 0 with input as {"resources": [mk_vault({"enableSoftDelete": true, "softDeleteRetentionInDays": 90})], "parameters": {}}
}

test_absent_field_is_the_enabled_default if {
	count(deny) == 0 with input as {"resources": [mk_vault({})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [{"id": "/x/kv", "type": "Microsoft.KeyVault/vaults"}], "parameters": {}}
}

test_string_and_case_variants if {
	count(deny) == 1 with input as {"resources": [mk_vault({"enableSoftDelete": "False"})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [mk_vault({"enableSoftDelete": "TRUE"})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [{"id": "/x/KV", "type": "microsoft.keyvault/VAULTS", "enableSoftDelete": "false"}], "parameters": {}}
}
