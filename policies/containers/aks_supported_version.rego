# METADATA
# title: Kubernetes Services should be upgraded to a supported Kubernetes version
# description: >-
#   Kubernetes minor versions leave AKS support about a year after release and stop
#   receiving security patches, including fixes for API server and kubelet CVEs. The
#   cluster is unhealthy when its version is below the parameter `minimum_version`
#   (default 1.30.0; raise it as AKS retires minor versions). The version is
#   `properties.currentKubernetesVersion` (the running patch) when present, else
#   `properties.kubernetesVersion`; both "1.29" (an alias: read as 1.29.0) and "1.29.7"
#   are understood, and pre-release suffixes are ignored. A cluster whose version is absent
#   or not a version is unhealthy, since it cannot be shown to be supported. A
#   `minimum_version` that is not a version marks every cluster unhealthy with a message
#   saying so.
# scope: package
# custom:
#   id: aks-supported-version
#   per_resource: true
#   severity: High
#   control: apply-system-updates
#   resource_types: [Microsoft.ContainerService/managedClusters]
#   parameters:
#     minimum_version: "1.30.0"
#   remediation: |-
#     1. Run `az aks get-upgrades` for the cluster to list the versions it can move to.
#     2. Check workloads for APIs removed in the target version.
#     3. Upgrade the control plane and node pools one minor version at a time (Settings > Cluster configuration > Upgrade version).
#     4. Consider an automatic upgrade channel (patch or stable) so the cluster stays supported.
#   threats: [Elevation of privilege, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB PV-6, MCSB PV-7]
package posture.containers.aks_supported_version

import data.posture.lib.version

_minimum := version.normalize(input.parameters.minimum_version)

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	_minimum
	[field, v, n] := _version(r)
	semver.compare(n, _minimum) < 0
	msg := sprintf("%s %v is below the minimum supported version %s: the cluster no longer gets security patches", [field, v, _minimum])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	_minimum
	not _version(r)
	v := object.get(r, ["properties", "kubernetesVersion"], null)
	msg := sprintf("kubernetesVersion %v is absent or not a version: the cluster cannot be shown to run a supported version", [v])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _minimum
	msg := sprintf("cannot assess: parameter minimum_version %v is not a version", [object.get(input.parameters, "minimum_version", null)])
}

# [field, value, normalised value] of the version to judge: the running patch version when
# known. Normalised once here (a regex and three digit strings each time), and compared
# with the normalised minimum as it is: normalising is idempotent.
_version(r) := ["currentKubernetesVersion", v, n] if {
	v := object.get(r, ["properties", "currentKubernetesVersion"], null)
	n := version.normalize(v)
} else := ["kubernetesVersion", v, n] if {
	v := object.get(r, ["properties", "kubernetesVersion"], null)
	n := version.normalize(v)
}
