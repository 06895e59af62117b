package posture.storage.network_restricted

mk_account(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
	"type": "Microsoft.Storage/storageAccounts",
	"name": "st1",
	"properties": props,
}

mk_input(props) := {"resources": [mk_account(props)], "parameters": {}}

test_open_account_is_unhealthy if {
	findings := deny with input as mk_input({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices"}})
	count(findings) == 1
	some f in findings
	contains(f.message, "defaultAction is Allow and publicNetworkAccess is Enabled")
}

test_firewall_deny_is_healthy if {
	count(deny) == 0 with input as mk_input({"networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "203.0.113.0/24", "action": "Allow"}]}})
}

test_public_access_disabled_is_healthy if {
	count(deny) == 0 with input as mk_input({"publicNetworkAccess": "Disabled", "networkAcls": {"defaultAction": "Allow"}})
}

test_absent_fields_are_unhealthy if {
	findings := deny with input as mk_input({})
	count(findings) == 1
	some f in findings
	contains(f.message, "absent (Allow)")
}

test_case_variants if {
	count(deny) == 0 with input as mk_input({"networkAcls": {"defaultAction": "DENY"}})
	count(deny) == 0 with input as mk_input({"publicNetworkAccess": "disabled"})
	count(deny) == 1 with input as mk_input({"publicNetworkAccess": "ENABLED", "networkAcls": {"defaultAction": "allow"}})
}
