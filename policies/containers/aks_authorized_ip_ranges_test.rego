package posture.containers.aks_authorized_ip_ranges

cluster(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1",
	"type": "Microsoft.ContainerService/managedClusters",
	"name": "aks1",
	"properties": props,
}

test_public_without_ranges_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({"apiServerAccessProfile": {"enablePrivateCluster": false}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "[]")
}

test_ranges_are_healthy if {
	props := {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24", "198.51.100.7/32"]}}
	count(deny) == 0 with input as {"resources": [cluster(props)], "parameters": {}}
}

test_private_cluster_is_healthy if {
	count(deny) == 0 with input as {"resources": [cluster({"apiServerAccessProfile": {"enablePrivateCluster": true}})], "parameters": {}}
}

test_absent_profile_is_unhealthy if {
	count(deny) == 1 with input as {"resources": [cluster({})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [cluster({"apiServerAccessProfile": null})], "parameters": {}}
	count(deny) == 1 with input as {"resources": [cluster({"apiServerAccessProfile": {"authorizedIPRanges": null}})], "parameters": {}}
}

test_allow_all_range_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({"apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/0"]}})], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "0.0.0.0/0")
}

test_legacy_field_and_case_variants if {
	legacy := object.union(cluster({"apiServerAuthorizedIPRanges": ["203.0.113.0/24"]}), {"type": "Microsoft.ContainerService/ManagedClusters"})
	count(deny) == 0 with input as {"resources": [legacy], "parameters": {}}
	count(deny) == 0 with input as {"resources": [cluster({"apiServerAccessProfile": {"enablePrivateCluster": "True"}})], "parameters": {}}
}
