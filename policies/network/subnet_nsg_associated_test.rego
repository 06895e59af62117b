package posture.network.subnet_nsg_associated

fx_vnet_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub"

fx_nsg_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-app"

mk_subnet(name, nsg) := {
	"id": concat("/", [fx_vnet_id, "subnets", name]),
	"name": name,
	"type": "Microsoft.Network/virtualNetworks/subnets",
	"properties": object.union({"addressPrefix": "10.0.1.0/24"}, {"networkSecurityGroup": {"id": id} | some id in [nsg]; id != null}),
}

mk_vnet(subnets) := {
	"id": fx_vnet_id,
	"type": "Microsoft.Network/virtualNetworks",
	"name": "vnet-hub",
	"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": subnets},
}

mk_input(subnets) := {"resources": [mk_vnet(subnets)], "parameters": {}}

test_subnet_without_nsg_is_unhealthy if {
	findings := deny with input as mk_input([mk_subnet("snet-app", fx_nsg_id), mk_subnet("snet-data", null)]) with data.posture.resources as {}
	count(findings) == 1
	some f in findings
	f.message == "subnet snet-data (10.0.1.0/24) has no network security group"
	f.fix == {"subnet": "snet-data"}
}

test_every_subnet_with_nsg_is_healthy if {
	count(deny) == 0 with input as mk_input([mk_subnet("snet-app", fx_nsg_id), mk_subnet("snet-web", fx_nsg_id)]) with data.posture.resources as {}
}

test_missing_fields if {
	# No subnets at all, or no properties: nothing to assess.
	count(deny) == 0 with input as mk_input([]) with data.posture.resources as {}
	count(deny) == 0 with input as {"resources": [{"id": fx_vnet_id, "type": "Microsoft.Network/virtualNetworks"}], "parameters": {}} with data.posture.resources as {}

	# A subnet without properties and with several prefixes.
	findings := deny with input as mk_input([{"name": "bare"}, {"name": "dual", "properties": {"addressPrefixes": ["10.0.9.0/24", "fd00::/64"]}}]) with data.posture.resources as {}
	{f.message | some f in findings} == {
		"subnet bare (no address prefix) has no network security group",
		"subnet dual (10.0.9.0/24, fd00::/64) has no network security group",
	}
}

test_platform_subnets_are_not_assessed_case_insensitively if {
	count(deny) == 0 with input as mk_input([
		mk_subnet("GatewaySubnet", null),
		mk_subnet("azurefirewallsubnet", null),
		mk_subnet("AzureFirewallManagementSubnet", null),
		mk_subnet("AZUREBASTIONSUBNET", null),
		mk_subnet("RouteServerSubnet", null),
	]) with data.posture.resources as {}
}

test_standalone_subnet_resources_are_joined if {
	standalone := mk_subnet("snet-db", null)
	inv := {lower(standalone.id): standalone}

	# A vnet listing no subnets inline still has its standalone subnets assessed.
	findings := deny with input as mk_input([]) with data.posture.resources as inv
	{f.fix.subnet | some f in findings} == {"snet-db"}

	# The same subnet, with an NSG inline and in odd case: protected.
	inline := object.union(mk_subnet("SNET-DB", fx_nsg_id), {"id": upper(standalone.id)})
	count(deny) == 0 with input as mk_input([inline]) with data.posture.resources as inv
}
