package posture.keyvault.purge_protection

mk_vault(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod",
	"type": "Microsoft.KeyVault/vaults",
	"name": "kv-prod",
	"properties": props,
}

test_purge_protection_off_is_unhealthy if {
	findings := deny with input as {"resources": [mk_vault({"enablePurgeProtection": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "enablePurgeProtection is false: soft-deleted keys, secrets and certificates can be purged at once"
}

test_purge_protection_on_is_healthy if {
	count(deny) == 0 with input as {"resources": [mk_vault({"enableSoftDelete": true, "enablePurgeProtection": true})], "parameters": {}}
}

test_absent_field_is_unhealthy if {
	findings := deny with input as {"resources": [mk_vault({"enableSoftDelete": true})], "parameters": {}}
	some f in findings
	contains(f.message, "absent (off)")
}

test_string_and_case_variants if {
	count(deny) == 0 with input as {"resources": [mk_vault({"enablePurgeProtection": "True"})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [mk_vault({"enablePurgeProtection": "FALSE"})], "parameters": {}}
}
