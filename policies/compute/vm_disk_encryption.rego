# METADATA
# title: Disk encryption should be applied on virtual machines
# description: >-
#   Managed disks are always encrypted at rest by the storage service, but temporary
#   disks, caches and data flowing between compute and storage are not, and a copied VHD
#   of an unencrypted disk can be mounted anywhere. The VM is healthy when any of these
#   holds; otherwise it is unhealthy - (1) encryption at host,
#   `properties.securityProfile.encryptionAtHost` true; (2) a disk encryption set on the OS
#   disk, `storageProfile.osDisk.managedDisk.diskEncryptionSet.id` (or, for confidential
#   VMs, `managedDisk.securityProfile.diskEncryptionSet.id` or securityEncryptionType
#   DiskWithVMGuestState), or the OS disk resource of the inventory
#   (Microsoft.Compute/disks, joined by `managedDisk.id`) naming a disk encryption set or
#   having `encryptionSettingsCollection.enabled`; (3) Azure Disk Encryption, either an
#   extension of type AzureDiskEncryption or AzureDiskEncryptionForLinux (a
#   Microsoft.Compute/virtualMachines/extensions resource under the VM's id, or an entry of
#   the VM's `resources[]`) whose provisioningState is not Failed, or the legacy
#   `osDisk.encryptionSettings.enabled` true. Absent fields mean the option is not in use.
#   Type names and booleans are compared case-insensitively.
# scope: package
# custom:
#   id: vm-disk-encryption
#   per_resource: true
#   severity: High
#   control: enable-encryption-at-rest
#   resource_types: [Microsoft.Compute/virtualMachines]
#   remediation: |-
#     1. Prefer encryption at host - register the EncryptionAtHost feature for the subscription (az feature register --namespace Microsoft.Compute --name EncryptionAtHost).
#     2. Deallocate the VM, enable "Encryption at host" under Disks > Additional settings (or az vm update --set securityProfile.encryptionAtHost=true), and start it again.
#     3. Where encryption at host is not supported by the VM size, enable Azure Disk Encryption with a key vault in the same region (az vm encryption enable) instead.
#   threats: [Data exfiltration, Data spillage]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB DP-4, CIS Azure 7.3, Azure Policy 0961003e-5a0a-4549-abde-af6a37f2724d]
package posture.compute.vm_disk_encryption

import data.posture.lib.util

_ade_types := {"azurediskencryption", "azurediskencryptionforlinux"}

deny contains {"resource": vm.id, "message": msg} if {
	some vm in input.resources
	not _encrypted(vm)
	msg := sprintf("OS disk %s has no encryption at host, no disk encryption set and no Azure Disk Encryption%s", [_os_disk_name(vm), _failed_note(vm)])
}

_os_disk(vm) := object.get(util.props(vm), ["storageProfile", "osDisk"], {})

# One rule with else branches, the OS disk read once: seven definitions of _encrypted(vm)
# were all evaluated for every VM, each reading the disk again.
_encrypted(vm) if _encrypted_by(vm, _os_disk(vm))

_encrypted_by(vm, disk) := true if util.is_true(object.get(util.props(vm), ["securityProfile", "encryptionAtHost"], null))

else := true if util.ref_id(disk.managedDisk.diskEncryptionSet)

else := true if util.ref_id(disk.managedDisk.securityProfile.diskEncryptionSet)

else := true if util.lc(disk.managedDisk.securityProfile.securityEncryptionType) == "diskwithvmgueststate"

else := true if util.is_true(disk.encryptionSettings.enabled)

else := true if _disk_encrypted(util.props(util.resource(disk.managedDisk.id)))

else := true if {
	some ext in util.vm_extensions(vm)
	util.extension_type(ext) in _ade_types
	not util.extension_failed(ext)
}

_disk_encrypted(p) if util.ref_id({"id": p.encryption.diskEncryptionSetId})

_disk_encrypted(p) if util.is_true(p.encryptionSettingsCollection.enabled)

_os_disk_name(vm) := n if {
	n := _os_disk(vm).name
	is_string(n)
} else := "(unnamed)"

_failed_note(vm) := sprintf(" (extension %s failed to provision)", [util.name_of(ext)]) if {
	failed := [e | some e in util.vm_extensions(vm); util.extension_type(e) in _ade_types; util.extension_failed(e)]
	ext := failed[0]
} else := ""
