# METADATA
# title: Container registries should not allow unrestricted network access
# description: >-
#   A registry open to all networks lets anyone with a leaked token or admin password pull
#   private images (with their embedded secrets) or push poisoned ones from anywhere. The
#   registry is unhealthy when public network access is enabled and
#   `properties.networkRuleSet.defaultAction` is not Deny. An absent
#   `publicNetworkAccess` counts as Enabled and an absent `networkRuleSet` or
#   `defaultAction` as Allow, the service defaults; Basic and Standard registries have no
#   network rules at all, so they are unhealthy unless public access is Disabled. Firewall
#   rules and private endpoints require the Premium tier.
# scope: package
# custom:
#   id: acr-network-restricted
#   per_resource: true
#   severity: Medium
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.ContainerRegistry/registries]
#   remediation: |-
#     1. Make sure the registry is on the Premium tier (network rules and private endpoints need it).
#     2. Add private endpoints for the networks that pull and push images, or IP rules for build agents outside Azure.
#     3. In the Azure portal open the registry, select Settings > Networking, and choose "Selected networks" or "Disabled" under Public network access; save.
#   quick_fix:
#     bash: az acr update --resource-group {{resource.group}} --name {{resource.name}} --default-action Deny
#   threats: [Data exfiltration, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB NS-2]
package posture.containers.acr_network_restricted

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	public := object.get(r, ["properties", "publicNetworkAccess"], null)
	not util.is_false(public)
	action := object.get(r, ["properties", "networkRuleSet", "defaultAction"], null)
	not _deny(action)
	msg := sprintf("publicNetworkAccess is %v and networkRuleSet.defaultAction is %v: the registry accepts traffic from every network", [_shown(public, "Enabled"), _shown(action, "Allow")])
}

_deny(action) if {
	is_string(action)
	lower(trim_space(action)) == "deny"
}

_shown(null, default_value) := sprintf("absent (%s by default)", [default_value])

_shown(v, _) := v if v != null
