# METADATA
# title: Management ports should not be open to the Internet on network security groups
# description: >-
#   SSH (22), RDP (3389) and WinRM (5985, 5986) reachable from the whole Internet are the
#   most brute-forced entry points into virtual machines. The NSG is unhealthy when an
#   inbound rule whose source is the Internet (`*`, `Internet`, `Any`, `0.0.0.0/0`, `::/0`,
#   in sourceAddressPrefix or sourceAddressPrefixes) effectively allows TCP to one of these
#   ports. Rules are applied as Azure applies them: inbound, in priority order, lowest
#   number first, default rules included, so an Allow is closed by a Deny of a lower
#   priority number for the same port, protocol and an Internet source; anything no rule
#   allows is denied. Port ranges (`20-25`), `*` and lists count by the ports they cover.
#   A rule without access or direction is ignored, one without a protocol applies to all
#   protocols, and one without a usable priority is placed last among custom rules. An
#   NSG without rules is healthy (the default rules deny Internet traffic). One finding per
#   opening rule, naming the rule and the ports.
# scope: package
# custom:
#   id: nsg-management-ports-internet
#   per_resource: true
#   severity: High
#   control: secure-management-ports
#   resource_types: [Microsoft.Network/networkSecurityGroups]
#   remediation: |-
#     1. In the Azure portal open the network security group and select Inbound security rules.
#     2. For the rule named in the finding, either set Action to Deny, delete it, or restrict Source to the specific addresses that need administrative access.
#     3. For ongoing administrative access use just-in-time VM access or Azure Bastion instead of a standing rule.
#   quick_fix:
#     bash: az network nsg rule update --resource-group {{resource.group}} --nsg-name {{resource.name}} --name {{fix.rule}} --access Deny
#     powershell: $nsg = Get-AzNetworkSecurityGroup -ResourceGroupName {{resource.group}} -Name {{resource.name}}; ($nsg.SecurityRules | Where-Object Name -eq {{fix.rule}}).Access = 'Deny'; $nsg | Set-AzNetworkSecurityGroup
#   threats: [Account breach, Data exfiltration, Malicious insider]
#   user_impact: High
#   implementation_effort: Low
#   references: [MCSB NS-1, MCSB PA-2, CIS Azure 6.1, CIS Azure 6.2]
package posture.network.nsg_management_ports_internet

import data.posture.lib.net
import data.posture.lib.ports

deny contains {"resource": nsg.id, "message": msg, "fix": {"rule": f.rule.name}} if {
	some nsg in input.resources
	some f in net.nsg_management(nsg)
	names := concat(", ", [ports.port_name(p) | some p in f.ports])
	msg := sprintf("inbound rule %s allows management %s %s from the Internet", [net.describe_rule(f.rule), _port_word(f.ports), names])
}

_port_word(ps) := "port" if {
	count(ps) == 1
	not [0, 65535] in ps
} else := "ports"
