package posture.containers.aks_azure_policy_addon

cluster(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1",
	"type": "Microsoft.ContainerService/managedClusters",
	"name": "aks1",
	"properties": props,
}

test_disabled_addon_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({"addonProfiles": {"azurepolicy": {"enabled": false}}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "enabled is false")
}

test_enabled_addon_is_healthy if {
	props := {"addonProfiles": {"azurepolicy": {"enabled": true, "config": null, "identity": {"clientId": "x"}}}}
	count(deny) == 0 with input as {"resources": [cluster(props)], "parameters": {}}
}

test_absent_addon_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({"addonProfiles": {"omsagent": {"enabled": true}}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "absent")
	count(deny) == 1 with input as {"resources": [cluster({})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [cluster({"addonProfiles": null})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [cluster({"addonProfiles": {"azurepolicy": null}})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [cluster({"addonProfiles": {"azurepolicy": {}}})], "parameters": {}}
}

test_key_and_value_case_variants if {
	odd := object.union(cluster({"addonProfiles": {"azurePolicy": {"enabled": "True"}}}), {"type": "Microsoft.ContainerService/ManagedClusters"})
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 1 with input as {"resources": [cluster({"addonProfiles": {"AzurePolicy": {"enabled": "false"}}})], "parameters": {}}
}
