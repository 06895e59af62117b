package posture.compute.vm_management_ports_closed

fx_sub := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups"

fx_nsg_open := {
	"id": concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-open"]),
	"type": "Microsoft.Network/networkSecurityGroups",
	"name": "nsg-open",
	"properties": {"securityRules": [{"name": "AllowRDP", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "3389"}}]},
}

fx_nsg_closed := {
	"id": concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-closed"]),
	"type": "Microsoft.Network/networkSecurityGroups",
	"name": "nsg-closed",
	"properties": {"securityRules": [
		{"name": "DenyRDP", "properties": {"priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "Internet", "destinationPortRange": "3389"}},
		{"name": "AllowRDP", "properties": {"priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "3389"}},
	]},
}

fx_vnet := {
	"id": concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1"]),
	"type": "Microsoft.Network/virtualNetworks",
	"name": "vnet1",
	"properties": {"subnets": [
		{"id": concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/open"]), "name": "open", "properties": {"networkSecurityGroup": {"id": fx_nsg_open.id}}},
		{"id": concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/closed"]), "name": "closed", "properties": {"networkSecurityGroup": {"id": fx_nsg_closed.id}}},
		{"id": concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/bare"]), "name": "bare", "properties": {}},
	]},
}

mk_nic(name, nsg, subnet) := {
	"id": concat("", [fx_sub, "/rg-app/providers/Microsoft.Network/networkInterfaces/", name]),
	"type": "Microsoft.Network/networkInterfaces",
	"name": name,
	"properties": object.union(
		{"ipConfigurations": [{"name": "ipconfig1", "properties": {"subnet": {"id": concat("", [fx_vnet.id, "/subnets/", subnet])}}}]},
		{"networkSecurityGroup": {"id": id} | some id in [nsg]; id != null},
	),
}

mk_vm(nics) := {
	"id": concat("", [fx_sub, "/rg-app/providers/Microsoft.Compute/virtualMachines/vm-app-01"]),
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-app-01",
	"properties": {"networkProfile": {"networkInterfaces": [{"id": n.id} | some n in nics]}},
}

mk_inventory(resources) := {lower(r.id): r | some r in array.concat(resources, [fx_nsg_open, fx_nsg_closed, fx_vnet])}

test_nic_nsg_with_open_rdp_is_unhealthy if {
	nic := mk_nic("nic-a", fx_nsg_open.id, "bare")
	findings := deny with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as mk_inventory([nic])
	count(findings) == 1
	some f in findings
	f.message == "NSG nsg-open (on network interface nic-a) allows management port 3389 (RDP) from the Internet through inbound rule AllowRDP (priority 100, source *)"
	f.fix == {"nsg": "nsg-open", "nsg_group": "rg-net", "rule": "AllowRDP"}
}

test_subnet_nsg_with_open_rdp_is_unhealthy if {
	nic := mk_nic("nic-b", null, "open")
	findings := deny with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as mk_inventory([nic])
	some f in findings
	contains(f.message, "(on subnet open of network interface nic-b)")
}

test_closed_nsgs_are_healthy if {
	nic := mk_nic("nic-c", fx_nsg_closed.id, "closed")
	vm := mk_vm([nic])
	count(deny) == 0 with input as {"resources": [vm], "parameters": {}} with data.posture.resources as mk_inventory([nic])
	applicable == {vm.id} with input as {"resources": [vm], "parameters": {}} with data.posture.resources as mk_inventory([nic])
}

test_each_layer_is_judged_on_its_own if {
	nic := mk_nic("nic-d", fx_nsg_closed.id, "open")
	count(deny) == 1 with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as mk_inventory([nic])
}

test_missing_interfaces_make_the_vm_not_applicable if {
	nic := mk_nic("nic-e", fx_nsg_open.id, "bare")
	vm := mk_vm([nic])
	count(applicable) == 0 with input as {"resources": [vm], "parameters": {}} with data.posture.resources as {}
	count(deny) == 0 with input as {"resources": [vm], "parameters": {}} with data.posture.resources as {}
	count(applicable) == 0 with input as {"resources": [{"id": "/x/vm", "properties": {}}], "parameters": {}} with data.posture.resources as {}
}

test_nsg_missing_from_inventory_is_skipped if {
	nic := mk_nic("nic-f", concat("", [fx_sub, "/rg-net/providers/Microsoft.Network/networkSecurityGroups/elsewhere"]), "bare")
	count(deny) == 0 with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as mk_inventory([nic])
}

test_ids_in_odd_case_still_join if {
	nic := mk_nic("nic-g", upper(fx_nsg_open.id), "bare")
	vm := {"id": "/x/VM", "type": "microsoft.compute/VIRTUALMACHINES", "properties": {"networkProfile": {"networkInterfaces": [{"id": upper(nic.id)}]}}}
	findings := deny with input as {"resources": [vm], "parameters": {}} with data.posture.resources as mk_inventory([nic])
	{f.fix.rule | some f in findings} == {"AllowRDP"}
}

test_nsg_group_falls_back_to_empty if {
	_group({"id": "nsg-without-group"}) == ""
}

test_several_ports_through_one_rule if {
	wide := object.union(fx_nsg_open, {"properties": {"securityRules": [{"name": "AllowMgmt", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "Internet", "destinationPortRanges": ["22", "3389"]}}]}})
	nic := mk_nic("nic-h", wide.id, "bare")
	inv := {lower(r.id): r | some r in [nic, wide, fx_vnet]}
	findings := deny with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as inv
	{f.message | some f in findings} == {"NSG nsg-open (on network interface nic-h) allows management ports 22 (SSH), 3389 (RDP) from the Internet through inbound rule AllowMgmt (priority 100, source internet)"}
}
