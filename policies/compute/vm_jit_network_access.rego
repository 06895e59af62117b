# METADATA
# title: Management ports of virtual machines should be protected with just-in-time network access control
# description: >-
#   Just-in-time (JIT) VM access keeps management ports closed and opens them only for an
#   approved requester, source address and time window, with every request logged. A VM is
#   applicable when it can be reached from the Internet - one of its network interfaces in
#   the inventory has a public IP address - or when an NSG on its path opens a management
#   port to the Internet (as vm-management-ports-closed judges it). Other VMs, including
#   those whose interfaces the inventory lacks, are not applicable. An applicable VM is
#   unhealthy unless a Microsoft.Security/locations/jitNetworkAccessPolicies resource of
#   the inventory lists it in `properties.virtualMachines[].id` (compared
#   case-insensitively). No JIT policy resources in the inventory means no VM is covered.
# scope: package
# custom:
#   id: vm-jit-network-access
#   per_resource: true
#   severity: High
#   control: secure-management-ports
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Enable Microsoft Defender for Servers Plan 2 on the subscription (JIT is part of it).
#     2. In the Azure portal open the virtual machine, select Connect (or Configuration), and choose "Enable just-in-time" - or in Defender for Cloud open Workload protections > Just-in-time VM access.
#     3. Configure the management ports (22, 3389, 5985, 5986), the allowed source addresses and the maximum request time, then remove any standing Allow rules for those ports.
#   threats: [Account breach, Malicious insider]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB PA-2, Azure Policy b0f33259-77d7-4c9e-aac6-3aabcfae693c]
package posture.compute.vm_jit_network_access

import data.posture.lib.net
import data.posture.lib.util

# Lower-cased ids of the VMs that a JIT policy of the inventory covers.
_covered contains id if {
	some policy in util.of_type("Microsoft.Security/locations/jitNetworkAccessPolicies")
	some entry in util.list(object.get(util.props(policy), "virtualMachines", []))
	id := util.ref_id(entry)
}

_exposure(vm) := "it has a public IP address" if net.has_public_ip(vm)

else := "an NSG on its path opens a management port to the Internet" if count(net.vm_management_findings(vm)) > 0

# Each exposed VM's reason, by lower-cased id: a rule, not a function, so applicable and
# deny share one computation per VM.
_exposure_of[k] := reason if {
	some vm in input.resources
	is_string(vm.id)
	k := lower(vm.id)
	reason := _exposure(vm)
}

applicable contains vm.id if {
	some vm in input.resources
	_exposure_of[lower(vm.id)]
}

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	reason := _exposure_of[lower(vm.id)]
	not lower(vm.id) in _covered
	msg := sprintf("no just-in-time access policy covers the VM, and %s", [reason])
}
