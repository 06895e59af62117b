package posture.keyvault.rbac_authorization

mk_vault(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod",
	"type": "Microsoft.KeyVault/vaults",
	"name": "kv-prod",
	"properties": props,
}

test_access_policies_are_unhealthy if {
	props := {"enableRbacAuthorization": false, "accessPolicies": [{"tenantId": "t", "objectId": "o", "permissions": {"secrets": ["get", "list"]}}]}
	findings := deny with input as {"resources": [mk_vault(props)], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "enableRbacAuthorization is false: access is governed by vault access policies (1 defined)"
}

test_rbac_is_healthy if {
	count(deny) == 0 with input as {"resources": [mk_vault({"enableRbacAuthorization": true, "accessPolicies": []})], "parameters": {}}
}

test_absent_field_is_unhealthy if {
	findings := deny with input as {"resources": [mk_vault({})], "parameters": {}}
	{f.message | some f in findings} == {"enableRbacAuthorization is absent (false): access is governed by vault access policies"}
}

test_string_and_case_variants if {
	count(deny) == 0 with input as {"resources": [mk_vault({"enableRbacAuthorization": "True"})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [mk_vault({"enableRbacAuthorization": "false"})], "parameters": {}}
}
