package posture.keyvault.network_restricted

mk_vault(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod",
	"type": "Microsoft.KeyVault/vaults",
	"name": "kv-prod",
	"properties": props,
}

mk_input(props) := {"resources": [mk_vault(props)], "parameters": {}}

test_open_vault_is_unhealthy if {
	findings := deny with input as mk_input({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices"}})
	count(findings) == 1
	some f in findings
	f.message == "publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow: any network can reach the vault"
}

test_firewall_deny_is_healthy if {
	count(deny) == 0 with input as mk_input({"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [{"value": "203.0.113.0/24"}]}})
}

test_public_access_disabled_is_healthy if {
	count(deny) == 0 with input as mk_input({"publicNetworkAccess": "Disabled"})
}

test_absent_fields_are_unhealthy if {
	findings := deny with input as mk_input({})
	{f.message | some f in findings} == {"publicNetworkAccess is absent (Enabled) and networkAcls.defaultAction is absent (Allow): any network can reach the vault"}
}

test_case_variants if {
	count(deny) == 0 with input as mk_input({"publicNetworkAccess": "DISABLED"})
	count(deny) == 0 with input as mk_input({"networkAcls": {"defaultAction": "deny"}})
	count(deny) == 1 with input as mk_input({"publicNetworkAccess": "enabled", "networkAcls": {"defaultAction": "ALLOW"}})
}
