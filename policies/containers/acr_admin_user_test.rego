package posture.containers.acr_admin_user

registry(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerRegistry/registries/acr1",
	"type": "Microsoft.ContainerRegistry/registries",
	"name": "acr1",
	"sku": {"name": "Premium", "tier": "Premium"},
	"properties": props,
}

test_admin_enabled_is_unhealthy if {
	findings := deny with input as {"resources": [registry({"adminUserEnabled": true})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "adminUserEnabled is true")
}

test_admin_disabled_is_healthy if {
	count(deny) == 0 with input as {"resources": [registry({"adminUserEnabled": false})], "parameters": {}}
}

test_absent_is_the_secure_default if {
	count(deny) == 0 with input as {"resources": [registry({})], "parameters": {}}
}

test_string_and_case_variants if {
	odd := object.union(registry({"adminUserEnabled": "True"}), {"type": "microsoft.containerregistry/REGISTRIES"})
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 0 with input as {"resources": [registry({"adminUserEnabled": "false"})], "parameters": {}}
}
