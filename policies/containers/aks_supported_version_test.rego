package posture.containers.aks_supported_version

cluster(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1",
	"type": "Microsoft.ContainerService/managedClusters",
	"name": "aks1",
	"properties": props,
}

params := {"minimum_version": "1.30.0"}

test_old_version_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({"kubernetesVersion": "1.29.7"})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "kubernetesVersion 1.29.7 is below the minimum supported version 1.30.0")
}

test_minor_alias_is_read_as_patch_zero if {
	count(deny) == 1 with input as {"resources": [cluster({"kubernetesVersion": "1.29"})], "parameters": params}
	count(deny) == 0 with input as {"resources": [cluster({"kubernetesVersion": "1.30"})], "parameters": params}
}

test_supported_version_is_healthy if {
	count(deny) == 0 with input as {"resources": [cluster({"kubernetesVersion": "1.31.2", "currentKubernetesVersion": "1.31.2"})], "parameters": params}
	count(deny) == 0 with input as {"resources": [cluster({"kubernetesVersion": "1.30.0"})], "parameters": params}
}

test_current_version_wins if {
	findings := deny with input as {"resources": [cluster({"kubernetesVersion": "1.30", "currentKubernetesVersion": "1.30.4"})], "parameters": {"minimum_version": "1.30.5"}}
	count(findings) == 1
	some f in findings
	contains(f.message, "currentKubernetesVersion 1.30.4")
	count(deny) == 0 with input as {"resources": [cluster({"kubernetesVersion": "1.29", "currentKubernetesVersion": "garbage"})], "parameters": {"minimum_version": "1.29"}}
}

test_missing_or_invalid_version_is_unhealthy if {
	findings := deny with input as {"resources": [cluster({})], "parameters": params}
	count(findings) == 1
	some f in findings
	contains(f.message, "kubernetesVersion null is absent")
	count(deny) == 1 with input as {"resources": [cluster({"kubernetesVersion": "latest"})], "parameters": params}
}

test_case_and_prefix_variants if {
	odd := object.union(cluster({"kubernetesVersion": "v1.28.9"}), {"type": "microsoft.containerservice/managedclusters"})
	count(deny) == 1 with input as {"resources": [odd], "parameters": params}
	count(deny) == 0 with input as {"resources": [cluster({"kubernetesVersion": "1.31.1-hotfix.20240801"})], "parameters": {"minimum_version": "v1.31"}}
}

test_leading_zeros_and_suffixes_compare_as_numbers if {
	count(deny) == 1 with input as {"resources": [cluster({"kubernetesVersion": "1.9.10"})], "parameters": {"minimum_version": "v1.010"}}
	count(deny) == 1 with input as {"resources": [cluster({"currentKubernetesVersion": "1.30.09-hotfix.1"})], "parameters": {"minimum_version": "1.30.010"}}
	count(deny) == 0 with input as {"resources": [cluster({"currentKubernetesVersion": "1.30.010"})], "parameters": {"minimum_version": "01.30.10+build.7"}}
}

test_bad_parameter_is_reported if {
	findings := deny with input as {"resources": [cluster({"kubernetesVersion": "1.31.1"})], "parameters": {"minimum_version": "newest"}}
	count(findings) == 1
	some f in findings
	contains(f.message, "parameter minimum_version newest")
}
