# METADATA
# title: All network ports should be restricted on network security groups
# description: >-
#   Every port open to the whole Internet is attack surface; an Internet-facing workload
#   normally needs only its web ports. The NSG is unhealthy when an inbound rule whose
#   source is the Internet (`*`, `Internet`, `Any`, `0.0.0.0/0`, `::/0`, singular or plural
#   field) effectively allows a TCP or UDP port other than 80, 443 and the management ports
#   22, 3389, 5985 and 5986 (those have their own recommendation,
#   nsg-management-ports-internet). `*` and ranges count by the ports they cover. Rules are
#   applied in priority order, lowest number first, default rules included: ports that a
#   rule of a lower priority number already decides for Internet traffic of that protocol
#   (denied, or allowed and reported against that rule) are not counted again. ICMP and
#   other port-less protocols are out of scope. Absent fields are read as in
#   nsg-management-ports-internet: no access or direction ignores the rule, no protocol
#   means all, no priority places the rule last among custom rules; an NSG without rules is
#   healthy. The finding names the rule, its ports and the first port per protocol it opens.
# scope: package
# custom:
#   id: nsg-all-ports-internet
#   per_resource: true
#   severity: High
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Network/networkSecurityGroups]
#   remediation: |-
#     1. In the Azure portal open the network security group and select Inbound security rules.
#     2. For the rule named in the finding, narrow Destination port ranges to the ports the workload serves, or restrict Source to the addresses that need them.
#     3. If the rule is not needed, set Action to Deny or delete it. Put Internet-facing web workloads behind Application Gateway or Front Door where possible.
#   quick_fix:
#     bash: az network nsg rule update --resource-group {{resource.group}} --nsg-name {{resource.name}} --name {{fix.rule}} --access Deny
#     powershell: $nsg = Get-AzNetworkSecurityGroup -ResourceGroupName {{resource.group}} -Name {{resource.name}}; ($nsg.SecurityRules | Where-Object Name -eq {{fix.rule}}).Access = 'Deny'; $nsg | Set-AzNetworkSecurityGroup
#   threats: [Data exfiltration, Denial of service, Threat resistance]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB NS-1, CIS Azure 6.3, CIS Azure 6.4]
package posture.network.nsg_all_ports_internet

import data.posture.lib.net
import data.posture.lib.ports

deny contains {"resource": nsg.id, "message": msg, "fix": {"rule": f.rule.name}} if {
	some nsg in input.resources
	some f in net.nsg_other_ports(nsg)
	msg := sprintf("inbound rule %s allows %s %s %s from the Internet; beyond 80, 443 and the management ports it opens %s", [
		net.describe_rule(f.rule),
		_protocol(f.rule.protocol),
		_port_word(f.rule.ports),
		ports.describe(f.rule.ports),
		concat(", ", f.exposures),
	])
}

_protocol("*") := "any-protocol"

_protocol(p) := upper(p) if p != "*"

_port_word(ps) := "port" if {
	count(ps) == 1
	not [0, 65535] in ps
} else := "ports"
