package posture.compute.vm_linux_ssh_keys

mk_vm(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-lnx-01",
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-lnx-01",
	"properties": props,
}

mk_linux(cfg) := mk_vm({
	"osProfile": {"computerName": "vm-lnx-01", "adminUsername": "azureuser", "linuxConfiguration": cfg},
	"storageProfile": {"osDisk": {"osType": "Linux", "name": "osdisk"}},
})

test_password_authentication_is_unhealthy if {
	findings := deny with input as {"resources": [mk_linux({"disablePasswordAuthentication": false})], "parameters": {}}
	count(findings) == 1
	some f in findings
	f.message == "disablePasswordAuthentication is false: SSH accepts password logins"
}

test_ssh_keys_only_is_healthy if {
	cfg := {"disablePasswordAuthentication": true, "ssh": {"publicKeys": [{"path": "/home/azureuser/.ssh/authorized_keys", "keyData": "ssh-ed25519 AAAA"}]}}
	count(deny) == 0 with input as {"resources": [mk_linux(cfg)], "parameters": {}}
	count(applicable) == 1 with input as {"resources": [mk_linux(cfg)], "parameters": {}}
}

test_absent_flag_is_unhealthy if {
	findings := deny with input as {"resources": [mk_linux({"provisionVMAgent": true})], "parameters": {}}
	{f.message | some f in findings} == {"disablePasswordAuthentication is absent: SSH accepts password logins"}
}

test_specialised_disk_without_os_profile if {
	vm := mk_vm({"storageProfile": {"osDisk": {"osType": "Linux", "createOption": "Attach"}}})
	findings := deny with input as {"resources": [vm], "parameters": {}}
	some f in findings
	contains(f.message, "no osProfile")
	count(applicable) == 1 with input as {"resources": [vm], "parameters": {}}
}

test_windows_and_unknown_vms_are_not_applicable if {
	win := mk_vm({"osProfile": {"windowsConfiguration": {"provisionVMAgent": true}}, "storageProfile": {"osDisk": {"osType": "Windows"}}})
	count(applicable) == 0 with input as {"resources": [win], "parameters": {}}
	count(deny) == 0 with input as {"resources": [win], "parameters": {}}
	count(applicable) == 0 with input as {"resources": [mk_vm({})], "parameters": {}}
	count(applicable) == 0 with input as {"resources": [{"id": "/x/vm"}], "parameters": {}}
}

test_case_and_string_variants if {
	vm := mk_vm({"osProfile": {"linuxConfiguration": {"disablePasswordAuthentication": "TRUE"}}, "storageProfile": {"osDisk": {"osType": "LINUX"}}})
	count(deny) == 0 with input as {"resources": [vm], "parameters": {}}
	by_os_type := mk_vm({"storageProfile": {"osDisk": {"osType": "linux"}}, "osProfile": {"linuxConfiguration": {"disablePasswordAuthentication": "false"}}})
	count(deny) == 1 with input as {"resources": [by_os_type], "parameters": {}}
}
