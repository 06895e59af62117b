package posture.containers.aks_rbac

cluster(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1",
	"type": "Microsoft.ContainerService/managedClusters",
	"name": "aks1",
	"properties": props,
}

test_rbac_off_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({"enableRBAC": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "enableRBAC is false")
}

test_rbac_on_is_healthy if {
	count(deny) == 0 with input as {"resources": [cluster({"enableRBAC": true})], "parameters": {}}
}

test_absent_is_the_secure_default if {
	count(deny) == 0 with input as {"resources": [cluster({})], "parameters": {}}
}

test_string_and_case_variants if {
	odd := object.union(cluster({"enableRBAC": "False"}), {"type": "microsoft.containerservice/MANAGEDCLUSTERS"})
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
	count(deny) == 0 with input as {"resources": [cluster({"enableRBAC": "true"})], "parameters": {}}
}
