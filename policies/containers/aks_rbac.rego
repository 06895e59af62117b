# METADATA
# title: Role-Based Access Control should be used on Kubernetes Services
# description: >-
#   Without Kubernetes RBAC every authenticated identity has full control of the cluster, so
#   one compromised credential or pod service account owns every workload. The cluster is
#   unhealthy when `properties.enableRBAC` is false (boolean or string). An absent field is
#   healthy: RBAC has been on by default for clusters created since 2019 and ARM omits the
#   field only in old API versions. RBAC cannot be turned on for an existing cluster, so the
#   fix is a new cluster.
# scope: package
# custom:
#   id: aks-rbac
#   per_resource: true
#   severity: Medium
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.ContainerService/managedClusters]
#   remediation: |-
#     1. Create a new AKS cluster with Kubernetes RBAC enabled (preferably with Microsoft Entra ID integration and Azure RBAC for Kubernetes).
#     2. Define Roles and RoleBindings that give each team and service account only what it needs.
#     3. Move the workloads to the new cluster and delete the old one.
#   threats: [Elevation of privilege, Malicious insider, Account breach]
#   user_impact: High
#   implementation_effort: High
#   references: [MCSB PA-7]
package posture.containers.aks_rbac

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	v := object.get(r, ["properties", "enableRBAC"], null)
	util.is_false(v)
	msg := sprintf("enableRBAC is %v: every authenticated identity has full control of the cluster", [v])
}
