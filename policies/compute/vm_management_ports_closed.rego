# METADATA
# title: Management ports should be closed on your virtual machines
# description: >-
#   A virtual machine whose SSH, RDP or WinRM port is open to the whole Internet is
#   brute-forced within minutes of coming up. The VM is unhealthy when a network security
#   group on one of its network interfaces, or on the subnet of one of their IP
#   configurations, effectively allows TCP 22, 3389, 5985 or 5986 from any Internet
#   source, judged exactly as nsg-management-ports-internet judges the NSG (priority order,
#   default rules, a higher-priority Deny closes the port). Each NSG on the path is judged
#   on its own: an open rule is reported even when the other layer would block it, since
#   that layer can be changed independently. Interfaces, subnets and NSGs are joined by id
#   through the inventory; an NSG the inventory lacks cannot be judged and is skipped. The
#   VM is not applicable when the inventory holds none of its network interfaces. A VM
#   with no NSG at all is healthy here and unhealthy for vm-nsg-protected if it faces the
#   Internet.
# scope: package
# custom:
#   id: vm-management-ports-closed
#   per_resource: true
#   severity: High
#   control: secure-management-ports
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Open the network security group named in the finding and select Inbound security rules.
#     2. For the named rule, set Action to Deny, delete it, or restrict Source to the specific addresses that need administrative access.
#     3. Use just-in-time VM access or Azure Bastion for administrative sessions instead of a standing rule.
#   quick_fix:
#     bash: az network nsg rule update --resource-group {{fix.nsg_group}} --nsg-name {{fix.nsg}} --name {{fix.rule}} --access Deny
#     powershell: $nsg = Get-AzNetworkSecurityGroup -ResourceGroupName {{fix.nsg_group}} -Name {{fix.nsg}}; ($nsg.SecurityRules | Where-Object Name -eq {{fix.rule}}).Access = 'Deny'; $nsg | Set-AzNetworkSecurityGroup
#   threats: [Account breach, Data exfiltration, Malicious insider]
#   user_impact: High
#   implementation_effort: Low
#   references: [MCSB NS-1, MCSB PA-2, CIS Azure 6.1, CIS Azure 6.2, Azure Policy 22730e10-96f6-4aac-ad84-9383d35b5917]
package posture.compute.vm_management_ports_closed

import data.posture.lib.net
import data.posture.lib.ports
import data.posture.lib.util

applicable contains vm.id if {
	some vm in input.resources
	count(net.nics(vm)) > 0
}

deny contains {"resource": vm.id, "message": msg, "fix": fix} if {
	some vm in input.resources
	some f in net.vm_management_findings(vm)
	names := concat(", ", [ports.port_name(p) | some p in f.ports])
	msg := sprintf("NSG %s (on %s) allows management %s %s from the Internet through inbound rule %s", [
		util.name_of(f.nsg),
		concat("; ", f.via),
		_port_word(f.ports),
		names,
		net.describe_rule(f.rule),
	])
	fix := {"nsg": util.name_of(f.nsg), "nsg_group": _group(f.nsg), "rule": f.rule.name}
}

_group(nsg) := g if {
	g := util.group_of(nsg)
} else := ""

_port_word(ps) := "port" if count(ps) == 1

else := "ports"
