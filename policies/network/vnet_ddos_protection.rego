# METADATA
# title: Azure DDoS Network Protection should be enabled on virtual networks
# description: >-
#   Public endpoints in a virtual network without DDoS Network Protection get only the
#   platform's infrastructure-level mitigation, with no tuning to the application's
#   traffic, no attack telemetry and no cost protection. The virtual network is unhealthy
#   unless `properties.enableDdosProtection` is true (boolean or string). An absent field
#   means the default, false, so it is unhealthy. A network that has a
#   `ddosProtectionPlan` but enableDdosProtection false is unhealthy too: the plan is linked
#   but not applied.
# scope: package
# custom:
#   id: vnet-ddos-protection
#   per_resource: true
#   severity: Medium
#   control: protect-applications-against-ddos
#   resource_types: [Microsoft.Network/virtualNetworks]
#   remediation: |-
#     1. Create a DDoS protection plan (one plan can cover virtual networks across subscriptions of a tenant), or choose an existing one.
#     2. In the Azure portal open the virtual network and select DDoS protection.
#     3. Select "Enable", choose the plan and save.
#   threats: [Denial of service]
#   user_impact: Low
#   implementation_effort: Moderate
#   references: [MCSB NS-5, Azure Policy a7aca53f-2ed4-4466-a25e-0b45ade68efd]
package posture.network.vnet_ddos_protection

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(util.props(r), "enableDdosProtection", null)
	not util.is_true(value)
	msg := sprintf("enableDdosProtection is %v%s: only the basic infrastructure protection applies", [_shown(value), _plan_note(r)])
}

_shown(null) := "absent (false)"

_shown(v) := v if v != null

_plan_note(r) := sprintf(" although plan %s is linked", [util.last_segment(p)]) if {
	p := util.props(r).ddosProtectionPlan.id
	is_string(p)
} else := ""
