# METADATA
# title: IP forwarding should be disabled on network interfaces
# description: >-
#   A network interface with IP forwarding accepts and routes traffic addressed to other
#   hosts, so a compromised machine can become a pivot that bypasses network security
#   group boundaries; only network virtual appliances need it. The interface is unhealthy
#   when `properties.enableIPForwarding` is true (boolean or string; the property name is
#   matched case-insensitively, and the az CLI's flattened shape is read too). An absent field means the platform default, disabled, so
#   it is healthy. Interfaces of firewalls and routers that need forwarding should be
#   exempted with category mitigated.
# scope: package
# custom:
#   id: nic-ip-forwarding
#   per_resource: true
#   severity: Medium
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Network/networkInterfaces]
#   remediation: |-
#     1. Confirm the machine using the interface is not a network virtual appliance (firewall, router, NAT) that must forward traffic; if it is, exempt it.
#     2. In the Azure portal open the network interface and select IP configurations.
#     3. Set "IP forwarding" to Disabled and save.
#   quick_fix:
#     bash: az network nic update --ids {{resource.id}} --ip-forwarding false
#     powershell: $nic = Get-AzNetworkInterface -ResourceGroupName {{resource.group}} -Name {{resource.name}}; $nic.EnableIPForwarding = $false; $nic | Set-AzNetworkInterface
#   threats: [Data exfiltration, Elevation of privilege]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB NS-3, Azure Policy 88c0b9da-ce96-4b03-9635-f29a937e2900]
package posture.network.nic_ip_forwarding

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	some key, value in util.props(r)
	lower(key) == "enableipforwarding"
	util.is_true(value)
	msg := sprintf("%s is %v: the interface forwards traffic addressed to other hosts", [key, value])
}
