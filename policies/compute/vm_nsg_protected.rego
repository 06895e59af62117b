# METADATA
# title: Internet-facing virtual machines should be protected with network security groups
# description: >-
#   A virtual machine with a public IP address and no network security group accepts
#   traffic from the whole Internet on every port it listens on. The VM is unhealthy when
#   one of its network interfaces has an IP configuration with a `publicIPAddress` while
#   neither the interface (`properties.networkSecurityGroup`) nor the subnet of that IP
#   configuration carries an NSG. Interfaces and subnets are joined by id through the
#   inventory (the subnet from its virtual network's `properties.subnets[]` or a standalone
#   subnet resource). A subnet the inventory lacks is treated as having no NSG, and the
#   message says so, since an Internet-facing machine should not be assumed protected. Only
#   VMs with a public IP on an interface in the inventory are applicable; others are not
#   applicable. Whether the NSG's rules are tight is judged by vm-management-ports-closed
#   and nsg-all-ports-internet.
# scope: package
# custom:
#   id: vm-nsg-protected
#   per_resource: true
#   severity: High
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Create a network security group in the VM's region with inbound rules for only the ports the workload serves, from only the sources that need them.
#     2. Associate it with the subnet of the VM's interface (preferred, it covers every machine in the subnet) or with the network interface named in the finding.
#     3. If the VM does not need to be reachable from the Internet, dissociate the public IP address and use Azure Bastion or a VPN for access.
#   threats: [Data exfiltration, Account breach, Denial of service]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB NS-1, Azure Policy f6de0be7-9a8a-4b8a-b349-43cf02d22f7c]
package posture.compute.vm_nsg_protected

import data.posture.lib.net
import data.posture.lib.util

# Each VM's Internet-facing IP configurations, by lower-cased id: [nic, cfg] for every IP
# configuration with a public IP on one of the VM's interfaces (net.public_configs). A
# rule, not a function, so applicable and deny share one join per VM.
_public_of[k] := net.public_configs(vm) if {
	some vm in input.resources
	is_string(vm.id)
	k := lower(vm.id)
}

applicable contains vm.id if {
	some vm in input.resources
	count(_public_of[lower(vm.id)]) > 0
}

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	some [nic, cfg] in _public_of[lower(vm.id)]
	not util.ref_id(util.props(nic).networkSecurityGroup)
	subnet := _subnet(cfg)
	not _protected(subnet)
	msg := sprintf("network interface %s has public IP %s and no NSG; %s", [
		util.name_of(nic),
		util.last_segment(cfg.publicIPAddress.id),
		_subnet_text(cfg, subnet),
	])
}

# _subnet(cfg) is {"id", "entries"}: the lower-cased id of the configuration's subnet and
# its entries in the inventory (net.subnet_entries), found once for the NSG check and the
# message; {} when the configuration names no subnet.
_subnet(cfg) := {"id": id, "entries": net.subnet_entries(id)} if {
	id := util.ref_id(cfg.subnet)
} else := {}

_protected(subnet) if {
	some s in subnet.entries
	util.ref_id(util.props(s).networkSecurityGroup)
}

_subnet_text(cfg, subnet) := sprintf("its subnet %s has none either", [util.last_segment(cfg.subnet.id)]) if {
	count(subnet.entries) > 0
} else := sprintf("its subnet %s is not in the inventory", [util.last_segment(cfg.subnet.id)]) if {
	subnet.id
} else := "its IP configuration names no subnet"
