# METADATA
# title: Linux virtual machines should use SSH keys only
# description: >-
#   Password logins over SSH can be guessed and brute-forced; key-based authentication
#   cannot. A VM is applicable when it is a Linux machine, recognised by
#   `properties.osProfile.linuxConfiguration` being present or
#   `properties.storageProfile.osDisk.osType` being Linux (any case); Windows VMs and VMs
#   with neither signal are not applicable. A Linux VM is unhealthy unless
#   `osProfile.linuxConfiguration.disablePasswordAuthentication` is true (boolean or
#   string). An absent flag counts as password authentication allowed, which is the
#   platform default when a password is supplied; this includes VMs created from a
#   specialised disk, which have no osProfile, since nothing shows passwords are off.
# scope: package
# custom:
#   id: vm-linux-ssh-keys
#   per_resource: true
#   severity: Medium
#   control: implement-security-best-practices
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Add an SSH public key for every administrator (az vm user update --ssh-key-value) and check key-based login works.
#     2. Set "PasswordAuthentication no" in /etc/ssh/sshd_config (and files under sshd_config.d) and reload sshd, for example with az vm run-command invoke.
#     3. The disablePasswordAuthentication flag can only be set when a VM is created; redeploy the VM with SSH keys only at the next rebuild, and until then record an exemption with category mitigated that names the sshd change.
#   threats: [Account breach, Elevation of privilege]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB IM-6, Azure Policy 630c64f9-8b6b-4c64-b511-6544ceff6fd6]
package posture.compute.vm_linux_ssh_keys

import data.posture.lib.util

_linux(vm) if is_object(util.props(vm).osProfile.linuxConfiguration)

_linux(vm) if util.lc(util.props(vm).storageProfile.osDisk.osType) == "linux"

applicable contains vm.id if {
	some vm in input.resources
	_linux(vm)
}

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	_linux(vm)
	value := object.get(util.props(vm), ["osProfile", "linuxConfiguration", "disablePasswordAuthentication"], null)
	not util.is_true(value)
	msg := sprintf("disablePasswordAuthentication is %s: SSH accepts password logins", [_shown(vm, value)])
}

_shown(vm, null) := "absent (no osProfile: created from a specialised disk)" if not util.props(vm).osProfile

else := "absent"

_shown(_, v) := sprintf("%v", [v]) if v != null
