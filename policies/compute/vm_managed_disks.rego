# METADATA
# title: Virtual machines should use managed disks
# description: >-
#   An unmanaged OS disk is a page blob in a storage account the customer runs, so its
#   protection depends on that account's keys, network rules and public access settings,
#   and it gets none of the managed-disk features (disk encryption sets, encryption at
#   host, private disk access, RBAC on the disk). The VM is unhealthy when
#   `properties.storageProfile.osDisk.vhd.uri` is a non-empty string, the shape of an
#   unmanaged VHD. An absent storage profile or vhd means a managed OS disk (the default
#   since 2017), so it is healthy. Data disks are not assessed.
# scope: package
# custom:
#   id: vm-managed-disks
#   per_resource: true
#   severity: Medium
#   control: implement-security-best-practices
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Plan a maintenance window - the conversion needs the VM deallocated, and it cannot be undone.
#     2. Deallocate the VM, then convert its disks (az vm convert, or in the portal Disks > Migrate to managed disks).
#     3. Start the VM, check it, and delete the old VHD blobs and, if unused, their storage account.
#   threats: [Data exfiltration, Account breach]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [CIS Azure 7.2, Azure Policy 06a78e20-9358-41c9-923c-fb736d382a4d]
package posture.compute.vm_managed_disks

import data.posture.lib.util

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	disk := object.get(util.props(vm), ["storageProfile", "osDisk"], {})
	uri := object.get(disk, ["vhd", "uri"], "")
	is_string(uri)
	trim_space(uri) != ""
	msg := sprintf("OS disk %s is an unmanaged VHD at %s", [object.get(disk, "name", "(unnamed)"), uri])
}
