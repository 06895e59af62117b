package posture.compute.vm_disk_encryption

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-app-01"

fx_des_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-sec/providers/Microsoft.Compute/diskEncryptionSets/des-prod"

fx_disk_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm-app-01_OsDisk_1"

mk_vm(props) := {
	"id": fx_vm_id,
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-app-01",
	"properties": object.union({"storageProfile": {"osDisk": {"name": "vm-app-01_OsDisk_1", "osType": "Linux", "managedDisk": {"id": fx_disk_id, "storageAccountType": "Premium_LRS"}}}}, props),
}

mk_ext(name, type, state) := {
	"id": concat("/", [fx_vm_id, "extensions", name]),
	"type": "Microsoft.Compute/virtualMachines/extensions",
	"name": name,
	"properties": {"publisher": "Microsoft.Azure.Security", "type": type, "typeHandlerVersion": "1.1", "provisioningState": state},
}

mk_check(vm, resources) := deny if {
	deny := data.posture.compute.vm_disk_encryption.deny with input as {"resources": [vm], "parameters": {}} with data.posture.resources as {lower(r.id): r | some r in resources}
}

test_unencrypted_vm_is_unhealthy if {
	findings := mk_check(mk_vm({}), [])
	count(findings) == 1
	some f in findings
	f.message == "OS disk vm-app-01_OsDisk_1 has no encryption at host, no disk encryption set and no Azure Disk Encryption"
}

test_encryption_at_host_is_healthy if {
	count(mk_check(mk_vm({"securityProfile": {"encryptionAtHost": true}}), [])) == 0
}

test_disk_encryption_set_is_healthy if {
	count(mk_check(mk_vm({"storageProfile": {"osDisk": {"managedDisk": {"diskEncryptionSet": {"id": fx_des_id}}}}}), [])) == 0
}

test_confidential_vm_disk_encryption_is_healthy if {
	count(mk_check(mk_vm({"storageProfile": {"osDisk": {"managedDisk": {"securityProfile": {"securityEncryptionType": "DiskWithVMGuestState"}}}}}), [])) == 0
	count(mk_check(mk_vm({"storageProfile": {"osDisk": {"managedDisk": {"securityProfile": {"diskEncryptionSet": {"id": fx_des_id}}}}}}), [])) == 0
}

test_disk_resource_join if {
	disk := {"id": fx_disk_id, "type": "Microsoft.Compute/disks", "properties": {"encryption": {"type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": fx_des_id}}}
	count(mk_check(mk_vm({}), [disk])) == 0
	ade_disk := {"id": fx_disk_id, "type": "Microsoft.Compute/disks", "properties": {"encryption": {"type": "EncryptionAtRestWithPlatformKey"}, "encryptionSettingsCollection": {"enabled": true}}}
	count(mk_check(mk_vm({}), [ade_disk])) == 0
	platform := {"id": fx_disk_id, "type": "Microsoft.Compute/disks", "properties": {"encryption": {"type": "EncryptionAtRestWithPlatformKey"}}}
	count(mk_check(mk_vm({}), [platform])) == 1
}

test_ade_extension_resource_is_healthy if {
	count(mk_check(mk_vm({}), [mk_ext("AzureDiskEncryptionForLinux", "AzureDiskEncryptionForLinux", "Succeeded")])) == 0
}

test_ade_extension_inline_is_healthy if {
	vm := object.union(mk_vm({}), {"resources": [{"name": "ADE", "properties": {"type": "AzureDiskEncryption"}}]})
	count(mk_check(vm, [])) == 0
}

test_legacy_encryption_settings_are_healthy if {
	count(mk_check(mk_vm({"storageProfile": {"osDisk": {"encryptionSettings": {"enabled": true}}}}), [])) == 0
}

test_failed_or_other_extensions_do_not_count if {
	findings := mk_check(mk_vm({}), [mk_ext("ADE", "AzureDiskEncryption", "Failed"), mk_ext("AMA", "AzureMonitorLinuxAgent", "Succeeded")])
	some f in findings
	contains(f.message, "(extension ADE failed to provision)")
}

test_missing_fields if {
	findings := mk_check({"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines"}, [])
	some f in findings
	contains(f.message, "OS disk (unnamed)")
}

test_case_variants if {
	count(mk_check(mk_vm({"securityProfile": {"encryptionAtHost": "True"}}), [])) == 0
	ext := object.union(mk_ext("ade", "AZUREDISKENCRYPTION", "succeeded"), {"type": "microsoft.compute/VIRTUALMACHINES/extensions", "id": upper(concat("/", [fx_vm_id, "extensions", "ade"]))})
	count(mk_check(mk_vm({}), [ext])) == 0
}
