# METADATA
# title: Azure Policy add-on for Kubernetes should be installed and enabled on your clusters
# description: >-
#   The Azure Policy add-on runs Gatekeeper in the cluster, so policies such as "no
#   privileged containers" or "images only from trusted registries" are audited and can be
#   enforced at admission; without it Defender's in-cluster workload recommendations
#   cannot be assessed. The cluster is healthy when the `azurepolicy` entry of
#   `properties.addonProfiles` (key matched in any case) has `enabled` true (boolean or
#   string). An absent `addonProfiles`, an absent entry or an absent `enabled` is unhealthy:
#   the add-on is off unless it was enabled.
# scope: package
# custom:
#   id: aks-azure-policy-addon
#   per_resource: true
#   severity: Medium
#   control: remediate-security-configurations
#   resource_types: [Microsoft.ContainerService/managedClusters]
#   remediation: |-
#     1. In the Azure portal open the cluster and select Settings > Policies.
#     2. Select "Enable add-on" (or run the quick fix), then wait for the azure-policy pods to become ready.
#     3. Assign the Kubernetes policy initiatives you need (for example the pod security baseline) to the cluster's scope.
#   quick_fix:
#     bash: az aks enable-addons --addons azure-policy --resource-group {{resource.group}} --name {{resource.name}}
#     powershell: Enable-AzAksAddon -ResourceGroupName {{resource.group}} -ClusterName {{resource.name}} -Name AzurePolicy
#   threats: [Elevation of privilege, Threat resistance]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB PV-2, MCSB AM-2]
package posture.containers.aks_azure_policy_addon

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _enabled(r)
	msg := sprintf("addonProfiles.azurepolicy.enabled is %v: the Azure Policy add-on is not running", [_state(r)])
}

_profiles(r) := [p |
	profiles := object.get(r, ["properties", "addonProfiles"], null)
	is_object(profiles)
	some name, p in profiles
	lower(name) == "azurepolicy"
	is_object(p)
]

_enabled(r) if {
	some p in _profiles(r)
	util.is_true(object.get(p, "enabled", null))
}

_state(r) := object.get(_profiles(r)[0], "enabled", null) if count(_profiles(r)) > 0

else := "absent"
