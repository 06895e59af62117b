package posture.lib.net

# The standard Azure default rules, in the ARM shape.
azure_defaults := [
	{"name": "AllowVnetInBound", "properties": {"priority": 65000, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*", "destinationAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"}},
	{"name": "AllowAzureLoadBalancerInBound", "properties": {"priority": 65001, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "AzureLoadBalancer", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}},
	{"name": "DenyAllInBound", "properties": {"priority": 65500, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}},
	{"name": "AllowInternetOutBound", "properties": {"priority": 65001, "direction": "Outbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "Internet", "destinationPortRange": "*"}},
]

mk_nsg(custom) := {
	"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg1",
	"name": "nsg1",
	"type": "Microsoft.Network/networkSecurityGroups",
	"properties": {"securityRules": custom, "defaultSecurityRules": azure_defaults},
}

mk_rule(name, priority, access, protocol, source, port) := {"name": name, "properties": {
	"priority": priority,
	"direction": "Inbound",
	"access": access,
	"protocol": protocol,
	"sourceAddressPrefix": source,
	"sourcePortRange": "*",
	"destinationAddressPrefix": "*",
	"destinationPortRange": port,
}}

test_rules_normalise_both_shapes_and_defaults if {
	flat := {"name": "AllowWeb", "priority": "200", "direction": "INBOUND", "access": "allow", "protocol": "TCP", "sourceAddressPrefixes": ["Internet", "10.0.0.0/8"], "destinationPortRanges": ["80", "443"]}
	rs := rules(mk_nsg([mk_rule("AllowSSH", 100, "Allow", "Tcp", "*", "22"), flat]))
	count(rs) == 6
	some ssh in rs
	ssh == {"name": "AllowSSH", "priority": 100, "direction": "inbound", "access": "allow", "protocol": "tcp", "sources": {"*"}, "ports": {[22, 22]}, "default": false}
	some web in rs
	web.name == "AllowWeb"
	web.priority == 200
	web.sources == {"internet", "10.0.0.0/8"}
	web.ports == {[80, 80], [443, 443]}
	some deny_all in rs
	deny_all.name == "DenyAllInBound"
	deny_all.default
}

test_rules_of_the_az_cli_shape_and_missing_fields if {
	rs := rules({"name": "n", "securityRules": [{"properties": {"name": "inner", "access": "Allow"}}, "junk"]})
	rs == {{"name": "inner", "priority": 4096, "direction": "", "access": "allow", "protocol": "*", "sources": set(), "ports": set(), "default": false}}
	rules({"name": "n"}) == set()
	some r in rules({"securityRules": [{"priority": "high"}]})
	r.name == "(unnamed rule)"
	r.priority == 4096
}

test_internet_prefixes if {
	internet_prefix("*")
	internet_prefix("internet")
	internet_prefix("any")
	internet_prefix("0.0.0.0/0")
	internet_prefix("::/0")
	not internet_prefix("10.0.0.0/8")
	not internet_prefix("virtualnetwork")
}

test_management_port_open_names_port_and_rule if {
	opened := open_management_ports(mk_nsg([mk_rule("AllowSSH", 100, "Allow", "Tcp", "Internet", "22")]))
	count(opened) == 1
	some [22, r] in opened
	r.name == "AllowSSH"
}

test_plural_fields_and_ranges if {
	r := {"name": "AllowMgmt", "properties": {"priority": 300, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefixes": ["203.0.113.0/24", "0.0.0.0/0"], "destinationPortRanges": ["20-25", "3389"]}}
	{p | some [p, _] in open_management_ports(mk_nsg([r]))} == {22, 3389}
}

test_wildcard_port_opens_every_management_port if {
	fs := management_findings(mk_nsg([mk_rule("AllowAll", 4000, "Allow", "*", "*", "*")]))
	fs == {{"rule": {"name": "AllowAll", "priority": 4000, "direction": "inbound", "access": "allow", "protocol": "*", "sources": {"*"}, "ports": {[0, 65535]}, "default": false}, "ports": [22, 3389, 5985, 5986]}}
}

test_higher_priority_deny_closes_the_port if {
	count(open_management_ports(mk_nsg([
		mk_rule("DenySSH", 100, "Deny", "Tcp", "Internet", "22"),
		mk_rule("AllowSSH", 200, "Allow", "Tcp", "*", "22"),
	]))) == 0
}

test_lower_priority_deny_does_not_close_the_port if {
	opened := open_management_ports(mk_nsg([
		mk_rule("AllowSSH", 100, "Allow", "Tcp", "*", "22"),
		mk_rule("DenySSH", 200, "Deny", "Tcp", "*", "22"),
	]))
	{r.name | some [_, r] in opened} == {"AllowSSH"}
}

test_deny_for_another_protocol_or_source_does_not_close if {
	opened := open_management_ports(mk_nsg([
		mk_rule("DenyUdp", 100, "Deny", "Udp", "*", "22"),
		mk_rule("DenyCorp", 110, "Deny", "Tcp", "10.0.0.0/8", "22"),
		mk_rule("AllowSSH", 200, "Allow", "Tcp", "*", "22"),
	]))
	{r.name | some [_, r] in opened} == {"AllowSSH"}
}

test_udp_and_restricted_sources_do_not_open_tcp_management_ports if {
	count(open_management_ports(mk_nsg([
		mk_rule("AllowUdp", 100, "Allow", "Udp", "*", "3389"),
		mk_rule("AllowCorp", 110, "Allow", "Tcp", "198.51.100.0/24", "22"),
		mk_rule("AllowVnet", 120, "Allow", "Tcp", "VirtualNetwork", "22"),
	]))) == 0
}

test_default_rules_alone_keep_ports_closed if {
	count(open_management_ports(mk_nsg([]))) == 0
	count(open_other_ports(mk_nsg([]))) == 0
}

test_priority_tie_is_resolved_towards_allow if {
	opened := open_management_ports(mk_nsg([
		mk_rule("B", 100, "Allow", "Tcp", "*", "22"),
		mk_rule("A", 100, "Deny", "Tcp", "*", "22"),
		mk_rule("C", 100, "Allow", "Tcp", "*", "22"),
	]))
	{r.name | some [_, r] in opened} == {"B"}
}

test_malformed_access_is_ignored if {
	count(open_management_ports(mk_nsg([mk_rule("Weird", 100, "Maybe", "Tcp", "*", "22")]))) == 0
}

test_other_ports_exclude_web_and_management_ports if {
	count(open_other_ports(mk_nsg([mk_rule("AllowWeb", 100, "Allow", "Tcp", "*", ["80", "443"]), mk_rule("AllowSSH", 110, "Allow", "Tcp", "*", "22")]))) == 0
	fs := open_other_ports(mk_nsg([mk_rule("AllowAlt", 100, "Allow", "Tcp", "Internet", "8080")]))
	{f.exposures | some f in fs} == {["8080/tcp"]}
}

test_other_ports_count_ranges_and_protocols if {
	fs := open_other_ports(mk_nsg([mk_rule("AllowAll", 4000, "Allow", "*", "*", "*")]))
	{f.exposures | some f in fs} == {["0/tcp", "0/udp"]}
	gs := open_other_ports(mk_nsg([mk_rule("AllowRange", 100, "Allow", "Udp", "*", "79-81")]))
	{g.exposures | some g in gs} == {["79/udp"]}
}

test_other_ports_earlier_rules_take_precedence if {
	# 1000-2000 is denied first, so the Allow only opens 2001-3000.
	fs := open_other_ports(mk_nsg([
		mk_rule("DenyLow", 100, "Deny", "Tcp", "*", "1000-2000"),
		mk_rule("AllowRange", 200, "Allow", "Tcp", "*", "1000-3000"),
	]))
	{f.exposures | some f in fs} == {["2001/tcp"]}

	# Entirely covered by an earlier Deny for the same protocol: nothing opens.
	count(open_other_ports(mk_nsg([
		mk_rule("DenyAll", 100, "Deny", "*", "Internet", "*"),
		mk_rule("AllowRange", 200, "Allow", "Tcp", "*", "1000-3000"),
	]))) == 0

	# An earlier Allow claims the ports it covers; the later rule is reported for the rest.
	hs := open_other_ports(mk_nsg([
		mk_rule("AllowA", 100, "Allow", "Tcp", "*", "8080"),
		mk_rule("AllowB", 200, "Allow", "Tcp", "*", "8080-8081"),
	]))
	{[h.rule.name, h.exposures] | some h in hs} == {["AllowA", ["8080/tcp"]], ["AllowB", ["8081/tcp"]]}
}

test_other_ports_ignore_icmp_outbound_and_restricted_sources if {
	out := {"name": "Out", "properties": {"priority": 100, "direction": "Outbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "*", "destinationPortRange": "*"}}
	count(open_other_ports(mk_nsg([
		mk_rule("Icmp", 100, "Allow", "Icmp", "*", "*"),
		mk_rule("Corp", 110, "Allow", "*", "10.1.0.0/16", "*"),
		out,
	]))) == 0
}

test_describe_rule if {
	some r in rules(mk_nsg([mk_rule("AllowSSH", 100, "Allow", "Tcp", "Internet", "22")]))
	r.name == "AllowSSH"
	describe_rule(r) == "AllowSSH (priority 100, source internet)"
}

# --- joins ---

fx_net := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network"

fx_open_nsg := {
	"id": concat("", [fx_net, "/networkSecurityGroups/nsg-open"]),
	"name": "nsg-open",
	"type": "Microsoft.Network/networkSecurityGroups",
	"properties": {"securityRules": [mk_rule("AllowRDP", 100, "Allow", "Tcp", "*", "3389")]},
}

fx_closed_nsg := {
	"id": concat("", [fx_net, "/networkSecurityGroups/nsg-closed"]),
	"name": "nsg-closed",
	"type": "Microsoft.Network/networkSecurityGroups",
	"properties": {"securityRules": []},
}

fx_vnet := {
	"id": concat("", [fx_net, "/virtualNetworks/vnet1"]),
	"name": "vnet1",
	"type": "Microsoft.Network/virtualNetworks",
	"properties": {"subnets": [
		{"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/web"]), "name": "web", "properties": {"networkSecurityGroup": {"id": fx_open_nsg.id}}},
		{"name": "app", "properties": {}},
	]},
}

mk_nic(name, nsg_id, subnet, public) := {
	"id": concat("", [fx_net, "/networkInterfaces/", name]),
	"name": name,
	"type": "Microsoft.Network/networkInterfaces",
	"properties": {
		"networkSecurityGroup": {"id": nsg_id},
		"ipConfigurations": [{"name": "ipconfig1", "properties": object.union(
			{"subnet": {"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/", subnet])}},
			{k: v | public; k := "publicIPAddress"; v := {"id": concat("", [fx_net, "/publicIPAddresses/", name, "-pip"])}},
		)}],
	},
}

mk_inventory(resources) := {lower(r.id): r | some r in resources}

mk_vm(nic_ids) := {
	"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
	"name": "vm1",
	"properties": {"networkProfile": {"networkInterfaces": [{"id": id} | some id in nic_ids]}},
}

test_vm_joins_nic_and_subnet_nsgs if {
	n := mk_nic("nic1", upper(fx_closed_nsg.id), "web", true)
	inv := mk_inventory([n, fx_vnet, fx_open_nsg, fx_closed_nsg])
	refs := vm_nsgs(mk_vm([n.id])) with data.posture.resources as inv
	refs == {
		{"nsg": lower(fx_closed_nsg.id), "via": "network interface nic1"},
		{"nsg": lower(fx_open_nsg.id), "via": "subnet web of network interface nic1"},
	}
	has_public_ip(mk_vm([n.id])) with data.posture.resources as inv
	fs := vm_management_findings(mk_vm([n.id])) with data.posture.resources as inv
	{[f.nsg.name, f.via, f.rule.name, f.ports] | some f in fs} == {["nsg-open", ["subnet web of network interface nic1"], "AllowRDP", [3389]]}
}

test_vm_joins_standalone_subnets_and_subnets_matched_by_name if {
	n := mk_nic("nic2", null, "app", false)
	standalone := {"id": concat("", [fx_net, "/virtualNetworks/vnet1/subnets/app"]), "type": "Microsoft.Network/virtualNetworks/subnets", "properties": {"networkSecurityGroup": {"id": fx_closed_nsg.id}}}
	refs := vm_nsgs(mk_vm([n.id])) with data.posture.resources as mk_inventory([n, fx_vnet, standalone])
	refs == {{"nsg": lower(fx_closed_nsg.id), "via": "subnet app of network interface nic2"}}
	not has_public_ip(mk_vm([n.id])) with data.posture.resources as mk_inventory([n, fx_vnet, standalone])
	count(subnet_entries(lower(standalone.id))) == 2 with data.posture.resources as mk_inventory([n, fx_vnet, standalone])
}

test_vm_with_missing_nics_and_nsgs if {
	count(nics(mk_vm(["/subscriptions/s/nic/absent"]))) == 0 with data.posture.resources as {}
	count(nics({"id": "x", "properties": {}})) == 0 with data.posture.resources as {}
	n := mk_nic("nic3", concat("", [fx_net, "/networkSecurityGroups/not-in-inventory"]), "web", true)
	count(vm_management_findings(mk_vm([n.id]))) == 0 with data.posture.resources as mk_inventory([n])
}

test_vm_nics_in_the_flattened_shape if {
	n := mk_nic("nic4", fx_open_nsg.id, "other", false)
	flat_vm := {"id": "vm-flat", "networkProfile": {"networkInterfaces": [{"id": n.id}]}}
	fs := vm_management_findings(flat_vm) with data.posture.resources as mk_inventory([n, fx_open_nsg])
	{f.via | some f in fs} == {["network interface nic4"]}
}

# public_configs(vm) as nics, ip_configs and public_ip give it, the reference its plain
# path must match.
mk_public_reference(vm) := [[nic, cfg] |
	some nic in nics(vm)
	some cfg in ip_configs(nic)
	public_ip(cfg)
]

# VMs and interfaces of the plain ARM shape and just off it: interfaces missing from the
# inventory or without an id, two public configurations, an empty public IP id, entries
# that are no objects, flattened interfaces and configurations, a set of configurations,
# a VM without properties and a single interface reference.
test_public_configs_are_the_helpers_answer if {
	public := mk_nic("nic5", null, "web", true)
	private := mk_nic("nic6", null, "web", false)
	pip := {"id": concat("", [fx_net, "/publicIPAddresses/second"])}
	two := object.union(public, {"id": concat("", [fx_net, "/networkInterfaces/nic7"]), "properties": {"ipConfigurations": [
		{"name": "a", "properties": {"publicIPAddress": pip}},
		"not an object",
		{"name": "b", "properties": {"publicIPAddress": {"id": ""}}},
		{"name": "c", "properties": {"publicIPAddress": pip}},
	]}})
	flat_nic := {"id": concat("", [fx_net, "/networkInterfaces/nic8"]), "ipConfigurations": [{"name": "a", "properties": {"publicIPAddress": pip}}]}
	flat_cfg := object.union(public, {"id": concat("", [fx_net, "/networkInterfaces/nic9"]), "properties": {"ipConfigurations": [{"name": "a", "publicIPAddress": pip}]}})
	as_set := object.union(public, {"id": concat("", [fx_net, "/networkInterfaces/nic10"]), "properties": {"ipConfigurations": {{"name": "a", "properties": {"publicIPAddress": pip}}}}})
	inv := mk_inventory([public, private, two, flat_nic, flat_cfg, as_set])
	plain := mk_vm([public.id, "/subscriptions/s/nic/absent", private.id, upper(two.id)])
	vms := [
		plain,
		object.union(plain, {"properties": {"networkProfile": {"networkInterfaces": [{"name": "no id"}, {"id": two.id}]}}}),
		mk_vm([public.id, flat_nic.id]),
		mk_vm([flat_cfg.id, public.id]),
		mk_vm([as_set.id]),
		{"id": "flat", "networkProfile": {"networkInterfaces": [{"id": public.id}]}},
		{"id": "single", "properties": {"networkProfile": {"networkInterfaces": {"id": public.id}}}},
		{"id": "none", "properties": {}},
	]
	every vm in vms {
		got := public_configs(vm) with data.posture.resources as inv
		want := mk_public_reference(vm) with data.posture.resources as inv
		got == want
	}
	answers := [count(public_configs(vm)) | some vm in vms] with data.posture.resources as inv
	answers == [3, 2, 2, 2, 1, 1, 1, 0]
}
