package posture.compute.vm_managed_disks

mk_vm(os_disk) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-legacy/providers/Microsoft.Compute/virtualMachines/vm-legacy-01",
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-legacy-01",
	"properties": {"storageProfile": {"osDisk": os_disk}},
}

test_unmanaged_vhd_is_unhealthy if {
	disk := {"name": "vm-legacy-01-os", "osType": "Windows", "createOption": "FromImage", "vhd": {"uri": "https://stlegacyvhds.blob.core.windows.net/vhds/vm-legacy-01-os.vhd"}}
	findings := deny with input as {"resources": [mk_vm(disk)], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "OS disk vm-legacy-01-os is an unmanaged VHD at https://stlegacyvhds.blob.core.windows.net/vhds/vm-legacy-01-os.vhd"
}

test_managed_disk_is_healthy if {
	disk := {"name": "osdisk", "managedDisk": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/osdisk", "storageAccountType": "Premium_LRS"}}
	count(deny) == 0 with input as {"resources": [mk_vm(disk)], "parameters": {}}
}

test_missing_fields_are_healthy if {
	count(deny) == 0 with input as {"resources": [mk_vm({})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [{"id": "/x/vm"}], "parameters": {}}
	count(deny) == 0 with input as {"resources": [mk_vm({"vhd": {"uri": "  "}})], "parameters": {}}
	count(deny) == 0 with input as {"resources": [mk_vm({"vhd": {"uri": null}})], "parameters": {}}
}

test_unnamed_disk_and_flattened_shape if {
	flat := {"id": "/x/VM", "type": "microsoft.compute/VIRTUALMACHINES", "storageProfile": {"osDisk": {"vhd": {"uri": "https://st.blob.core.windows.net/vhds/a.vhd"}}}}
	findings := deny with input as {"resources": [flat], "parameters": {}}
	some f in findings
	contains(f.message, "OS disk (unnamed)")
}
