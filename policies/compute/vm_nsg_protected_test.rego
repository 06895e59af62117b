package posture.compute.vm_nsg_protected

fx_net := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network"

fx_nsg_id := concat("", [fx_net, "/networkSecurityGroups/nsg-web"])

fx_vnet := {
	"id": concat("", [fx_net, "/virtualNetworks/vnet1"]),
	"type": "Microsoft.Network/virtualNetworks",
	"name": "vnet1",
	"properties": {"subnets": [
		{"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/protected"]), "name": "protected", "properties": {"networkSecurityGroup": {"id": fx_nsg_id}}},
		{"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/bare"]), "name": "bare", "properties": {}},
	]},
}

mk_nic(name, nsg, subnet, public) := {
	"id": concat("", [fx_net, "/networkInterfaces/", name]),
	"type": "Microsoft.Network/networkInterfaces",
	"name": name,
	"properties": object.union(
		{"ipConfigurations": [{"name": "ipconfig1", "properties": object.union(
			{"subnet": {"id": concat("", [fx_net, "/virtualNetworks/", subnet])}},
			{"publicIPAddress": {"id": concat("", [fx_net, "/publicIPAddresses/", name, "-pip"])} | public},
		)}]},
		{"networkSecurityGroup": {"id": id} | some id in [nsg]; id != null},
	),
}

mk_vm(nics) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-web-01",
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-web-01",
	"properties": {"networkProfile": {"networkInterfaces": [{"id": n.id} | some n in nics]}},
}

mk_inventory(resources) := {lower(r.id): r | some r in array.concat(resources, [fx_vnet])}

mk_eval(nic) := {"deny": deny, "applicable": applicable} if {
	deny := data.posture.compute.vm_nsg_protected.deny with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as mk_inventory([nic])
	applicable := data.posture.compute.vm_nsg_protected.applicable with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as mk_inventory([nic])
}

test_public_vm_without_any_nsg_is_unhealthy if {
	r := mk_eval(mk_nic("nic-web", null, "vnet1/subnets/bare", true))
	count(r.deny) == 1
	some f in r.deny
	f.message == "network interface nic-web has public IP nic-web-pip and no NSG; its subnet bare has none either"
	count(r.applicable) == 1
}

test_nsg_on_the_interface_is_healthy if {
	r := mk_eval(mk_nic("nic-web", fx_nsg_id, "vnet1/subnets/bare", true))
	count(r.deny) == 0
	count(r.applicable) == 1
}

test_nsg_on_the_subnet_is_healthy if {
	r := mk_eval(mk_nic("nic-web", null, "vnet1/subnets/protected", true))
	count(r.deny) == 0
}

test_private_vm_is_not_applicable if {
	r := mk_eval(mk_nic("nic-app", null, "vnet1/subnets/bare", false))
	count(r.applicable) == 0
}

test_missing_subnet_and_interfaces if {
	r := mk_eval(mk_nic("nic-web", null, "vnet-elsewhere/subnets/x", true))
	some f in r.deny
	contains(f.message, "its subnet x is not in the inventory")

	# IP configuration without a subnet reference.
	nic := {"id": "/x/nic-odd", "name": "nic-odd", "properties": {"ipConfigurations": [{"properties": {"publicIPAddress": {"id": "/x/pip-odd"}}}]}}
	s := mk_eval(nic)
	some g in s.deny
	contains(g.message, "its IP configuration names no subnet")

	# Interfaces the inventory lacks: not applicable, no finding.
	count(applicable) == 0 with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as {}
	count(deny) == 0 with input as {"resources": [mk_vm([nic])], "parameters": {}} with data.posture.resources as {}
}

test_ids_in_odd_case if {
	nic := mk_nic("NIC-WEB", null, "VNET1/SUBNETS/PROTECTED", true)
	vm := {"id": "/x/vm", "type": "MICROSOFT.COMPUTE/virtualmachines", "properties": {"networkProfile": {"networkInterfaces": [{"id": upper(nic.id)}]}}}
	count(deny) == 0 with input as {"resources": [vm], "parameters": {}} with data.posture.resources as mk_inventory([nic])
	count(applicable) == 1 with input as {"resources": [vm], "parameters": {}} with data.posture.resources as mk_inventory([nic])
}

test_each_public_configuration_is_judged_on_its_own_subnet if {
	two := {
		"id": concat("", [fx_net, "/networkInterfaces/nic-two"]),
		"name": "nic-two",
		"properties": {"ipConfigurations": [
			{"name": "a", "properties": {"subnet": {"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/protected"])}, "publicIPAddress": {"id": "/x/pip-a"}}},
			{"name": "b", "properties": {"subnet": {"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/bare"])}, "publicIPAddress": {"id": "/x/pip-b"}}},
			{"name": "c", "properties": {"subnet": {"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/bare"])}}},
		]},
	}
	r := mk_eval(two)
	count(r.applicable) == 1
	[f.message | some f in r.deny] == ["network interface nic-two has public IP pip-b and no NSG; its subnet bare has none either"]
}
