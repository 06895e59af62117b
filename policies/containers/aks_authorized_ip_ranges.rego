# METADATA
# title: Authorized IP ranges should be defined on Kubernetes Services
# description: >-
#   The Kubernetes API server of a public AKS cluster is reachable from the whole Internet
#   unless authorized IP ranges restrict it, so a leaked kubeconfig or an API server flaw is
#   exploitable from anywhere. The cluster is healthy when
#   `apiServerAccessProfile.enablePrivateCluster` is true, or when
#   `apiServerAccessProfile.authorizedIPRanges` (or the older top-level
#   `apiServerAuthorizedIPRanges`) holds at least one range other than 0.0.0.0/0. It is
#   unhealthy otherwise; an absent `apiServerAccessProfile` means a public API server with
#   no ranges, which is the default.
# scope: package
# custom:
#   id: aks-authorized-ip-ranges
#   per_resource: true
#   severity: High
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.ContainerService/managedClusters]
#   remediation: |-
#     1. List the address ranges that must reach the API server: administrators, build agents, and the cluster's own egress IP.
#     2. In the Azure portal open the cluster and select Settings > Networking.
#     3. Select "Enable authorized IP ranges", enter the ranges and save (or plan a move to a private cluster).
#   threats: [Account breach, Elevation of privilege, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB NS-2, MCSB PA-7]
package posture.containers.aks_authorized_ip_ranges

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _private(r)
	ranges := _ranges(r)
	count([x | some x in ranges; not _open(x)]) == 0
	msg := sprintf("public API server with authorized IP ranges %v: the Kubernetes API is reachable from the whole Internet", [ranges])
}

_private(r) if util.is_true(object.get(r, ["properties", "apiServerAccessProfile", "enablePrivateCluster"], null))

_ranges(r) := [trim_space(x) | some x in _list(r); is_string(x)]

_list(r) := v if {
	v := object.get(r, ["properties", "apiServerAccessProfile", "authorizedIPRanges"], null)
	is_array(v)
} else := v if {
	v := object.get(r, ["properties", "apiServerAuthorizedIPRanges"], null)
	is_array(v)
} else := []

# Ranges that authorize every address are no restriction.
_open(x) if x in {"", "*", "0.0.0.0/0", "0.0.0.0", "::/0"}
