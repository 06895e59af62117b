# METADATA
# title: Subnets should be associated with a network security group
# description: >-
#   A subnet without a network security group filters nothing: every machine placed in it
#   is reachable on every port from wherever routing allows. The virtual network is
#   unhealthy when one of its subnets has no `networkSecurityGroup`. Subnets are read from
#   `properties.subnets[]` (`properties.networkSecurityGroup.id`) and from standalone
#   Microsoft.Network/virtualNetworks/subnets resources of the inventory under the
#   network's id; a subnet counts as protected when any of its representations names an
#   NSG. Subnets where Azure does not support or recommend an NSG are not assessed:
#   GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet,
#   AzureBastionSubnet and RouteServerSubnet (names compared case-insensitively). A network
#   without subnets is healthy. One finding per unprotected subnet.
# scope: package
# custom:
#   id: subnet-nsg-associated
#   per_resource: true
#   severity: Medium
#   control: implement-security-best-practices
#   resource_types: [Microsoft.Network/virtualNetworks]
#   remediation: |-
#     1. Create a network security group in the virtual network's region (or choose an existing one) with the inbound rules the subnet's workloads need.
#     2. In the Azure portal open the virtual network, select Subnets and the subnet named in the finding.
#     3. Under "Network security group" select the NSG and save.
#   threats: [Data exfiltration, Denial of service]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB NS-1, Azure Policy e71308d3-144b-4262-b144-efdc3cc90517]
package posture.network.subnet_nsg_associated

import data.posture.lib.util

_exempt_names := {"gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "azurebastionsubnet", "routeserversubnet"}

# Standalone subnet resources of a virtual network.
_standalone(vnet) := [s |
	some [_, s] in util.children_at(vnet.id, "/subnets/")
	util.type_is(s, "Microsoft.Network/virtualNetworks/subnets")
]

_subnets(vnet) := array.concat(
	[s | some s in util.list(object.get(util.props(vnet), "subnets", [])); is_object(s)],
	_standalone(vnet),
)

_name(s) := util.lc(util.name_of(s))

_has_nsg(s) if util.ref_id(util.props(s).networkSecurityGroup)

deny contains {"resource": r.id, "message": msg, "fix": {"subnet": util.name_of(sample)}} if {
	some r in input.resources
	named := [[_name(s), s] | some s in _subnets(r)]
	some name in {n | some [n, _] in named}
	not name in _exempt_names
	entries := [s | some [n, s] in named; n == name]
	not _any_nsg(entries)
	sample := entries[0]
	msg := sprintf("subnet %s (%s) has no network security group", [util.name_of(sample), _prefix(sample)])
}

_any_nsg(entries) if {
	some s in entries
	_has_nsg(s)
}

_prefix(s) := p if {
	p := util.props(s).addressPrefix
	is_string(p)
} else := concat(", ", p) if {
	p := util.props(s).addressPrefixes
	is_array(p)
} else := "no address prefix"
