package posture.compute.vm_jit_network_access

fx_rg := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app"

fx_vm_id := concat("", [fx_rg, "/providers/Microsoft.Compute/virtualMachines/vm-jump-01"])

fx_nsg := {
	"id": concat("", [fx_rg, "/providers/Microsoft.Network/networkSecurityGroups/nsg-jump"]),
	"type": "Microsoft.Network/networkSecurityGroups",
	"name": "nsg-jump",
	"properties": {"securityRules": [{"name": "AllowSSH", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "Internet", "destinationPortRange": "22"}}]},
}

mk_nic(public, nsg) := {
	"id": concat("", [fx_rg, "/providers/Microsoft.Network/networkInterfaces/nic-jump"]),
	"type": "Microsoft.Network/networkInterfaces",
	"name": "nic-jump",
	"properties": object.union(
		{"ipConfigurations": [{"name": "ipconfig1", "properties": object.union(
			{"privateIPAddress": "10.0.0.4"},
			{"publicIPAddress": {"id": concat("", [fx_rg, "/providers/Microsoft.Network/publicIPAddresses/pip-jump"])} | public},
		)}]},
		{"networkSecurityGroup": {"id": fx_nsg.id} | nsg},
	),
}

fx_vm := {
	"id": fx_vm_id,
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-jump-01",
	"properties": {"networkProfile": {"networkInterfaces": [{"id": concat("", [fx_rg, "/providers/Microsoft.Network/networkInterfaces/nic-jump"])}]}},
}

mk_jit(vm_ids) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default",
	"type": "Microsoft.Security/locations/jitNetworkAccessPolicies",
	"name": "default",
	"kind": "Basic",
	"properties": {"virtualMachines": [{"id": id, "ports": [{"number": 22, "protocol": "*", "allowedSourceAddressPrefix": "*", "maxRequestAccessDuration": "PT3H"}]} | some id in vm_ids]},
}

mk_result(resources) := {"deny": d, "applicable": a} if {
	inv := {lower(r.id): r | some r in array.concat(resources, [fx_nsg])}
	d := data.posture.compute.vm_jit_network_access.deny with input as {"resources": [fx_vm], "parameters": {}} with data.posture.resources as inv
	a := data.posture.compute.vm_jit_network_access.applicable with input as {"resources": [fx_vm], "parameters": {}} with data.posture.resources as inv
}

test_public_vm_without_jit_is_unhealthy if {
	r := mk_result([mk_nic(true, false)])
	count(r.applicable) == 1
	{f.message | some f in r.deny} == {"no just-in-time access policy covers the VM, and it has a public IP address"}
}

test_vm_with_open_management_port_without_jit_is_unhealthy if {
	r := mk_result([mk_nic(false, true)])
	{f.message | some f in r.deny} == {"no just-in-time access policy covers the VM, and an NSG on its path opens a management port to the Internet"}
}

test_vm_covered_by_jit_is_healthy if {
	r := mk_result([mk_nic(true, true), mk_jit([fx_vm_id])])
	count(r.applicable) == 1
	count(r.deny) == 0
}

test_private_vm_is_not_applicable if {
	r := mk_result([mk_nic(false, false), mk_jit([])])
	count(r.applicable) == 0
	count(r.deny) == 0
}

test_missing_interfaces_and_fields if {
	r := mk_result([])
	count(r.applicable) == 0
	jit := {"id": "/x/jit", "type": "Microsoft.Security/locations/jitNetworkAccessPolicies", "properties": {}}
	s := mk_result([mk_nic(true, false), jit])
	count(s.deny) == 1
}

test_case_variants if {
	jit := object.union(mk_jit([upper(fx_vm_id)]), {"type": "microsoft.security/LOCATIONS/jitnetworkaccesspolicies"})
	r := mk_result([mk_nic(true, false), jit])
	count(r.deny) == 0
}
