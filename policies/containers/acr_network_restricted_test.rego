package posture.containers.acr_network_restricted

registry(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerRegistry/registries/acr1",
	"type": "Microsoft.ContainerRegistry/registries",
	"name": "acr1",
	"properties": props,
}

test_open_registry_is_unhealthy if {
	findings := deny with input as {"resources": [registry({"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Allow", "ipRules": []}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "publicNetworkAccess is Enabled and networkRuleSet.defaultAction is Allow")
}

test_default_deny_is_healthy if {
	props := {"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "203.0.113.0/24"}]}}
	count(deny) == 0 with input as {"resources": [registry(props)], "parameters": {}}
}

test_public_access_disabled_is_healthy if {
	count(deny) == 0 with input as {"resources": [registry({"publicNetworkAccess": "Disabled", "networkRuleSet": {"defaultAction": "Allow"}})], "parameters": {}}
}

test_absent_fields_are_unhealthy if {
	findings := deny with input as {"resources": [registry({})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent (Enabled by default)")
	contains(f.message, "absent (Allow by default)")
	count(deny) == 1 with input as {"resources": [registry({"networkRuleSet": null})], "parameters": {}}
}

test_case_variants if {
	odd := object.union(registry({"publicNetworkAccess": "enabled", "networkRuleSet": {"defaultAction": "deny"}}), {"type": "Microsoft.ContainerRegistry/Registries"})
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 0 with input as {"resources": [registry({"publicNetworkAccess": "DISABLED"})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [registry({"networkRuleSet": {"defaultAction": 0}})], "parameters": {}}
}
