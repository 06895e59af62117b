package posture.appservice.managed_identity

site(identity) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/sites/app1",
	"type": "Microsoft.Web/sites",
	"name": "app1",
	"identity": identity,
	"properties": {},
}

test_none_is_unhealthy if {
	findings := deny with input as {"resources": [site({"type": "None"})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "None")
}

test_system_and_user_assigned_are_healthy if {
	count(deny) == 0 with input as {"resources": [site({"type": "SystemAssigned", "principalId": "2d7f0c1e-aaaa-bbbb-cccc-000000000001"})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"type": "UserAssigned", "userAssignedIdentities": {}})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [site({"type": "SystemAssigned, UserAssigned"})], "parameters": {}}
}

test_absent_identity_is_unhealthy if {
	findings := deny with input as {"resources": [object.remove(site(null), ["identity"])], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
	count(deny) == 1 with input as {"resources": [site(null)], "parameters": {}}
	count(deny) == 1 with input as {"resources": [site({"type": 1})], "parameters": {}}
}

test_case_variants if {
	odd := object.union(site({"type": "systemassigned"}), {"type": "microsoft.web/SITES"})
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 1 with input as {"resources": [site({"type": "NONE"})], "parameters": {}}
}
