package posture.network.nsg_management_ports_internet

mk_nsg(rules) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-web",
	"type": "Microsoft.Network/networkSecurityGroups",
	"name": "nsg-web",
	"properties": {"securityRules": rules, "defaultSecurityRules": [
		{"name": "AllowVnetInBound", "properties": {"priority": 65000, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"}},
		{"name": "AllowAzureLoadBalancerInBound", "properties": {"priority": 65001, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "AzureLoadBalancer", "destinationPortRange": "*"}},
		{"name": "DenyAllInBound", "properties": {"priority": 65500, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*", "destinationPortRange": "*"}},
	]},
}

mk_rule(name, priority, access, source, port) := {"name": name, "properties": {
	"priority": priority, "direction": "Inbound", "access": access, "protocol": "Tcp",
	"sourceAddressPrefix": source, "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": port,
}}

mk_input(rules) := {"resources": [mk_nsg(rules)], "parameters": {}}

test_ssh_from_internet_is_unhealthy if {
	findings := deny with input as mk_input([mk_rule("AllowSSH", 100, "Allow", "Internet", "22")])
	count(findings) == 1
	some f in findings
	f.message == "inbound rule AllowSSH (priority 100, source internet) allows management port 22 (SSH) from the Internet"
	f.fix == {"rule": "AllowSSH"}
}

test_restricted_source_is_healthy if {
	count(deny) == 0 with input as mk_input([
		mk_rule("AllowSSHFromOffice", 100, "Allow", "203.0.113.10/32", "22"),
		mk_rule("AllowHttps", 110, "Allow", "*", "443"),
	])
}

test_no_rules_is_healthy if {
	count(deny) == 0 with input as mk_input([])
	count(deny) == 0 with input as {"resources": [{"id": "/x/nsg", "type": "Microsoft.Network/networkSecurityGroups", "name": "nsg"}], "parameters": {}}
}

test_missing_fields_in_rules if {
	# No protocol: applies to all protocols; no priority: last custom rule. Still open.
	loose := {"name": "Loose", "properties": {"direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*", "destinationPortRange": "3389"}}
	findings := deny with input as mk_input([loose])
	{f.message | some f in findings} == {"inbound rule Loose (priority 4096, source *) allows management port 3389 (RDP) from the Internet"}

	# No access: ignored.
	count(deny) == 0 with input as mk_input([{"name": "NoAccess", "properties": {"direction": "Inbound", "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "22"}}])
}

test_case_variants_and_flattened_plural_fields if {
	flat := {"name": "allow-mgmt", "priority": "200", "direction": "INBOUND", "access": "ALLOW", "protocol": "TCP", "sourceAddressPrefixes": ["0.0.0.0/0"], "destinationPortRanges": ["5985-5986", "3389"]}
	nsg := object.union(mk_nsg([]), {"type": "microsoft.network/NETWORKSECURITYGROUPS", "properties": {"securityRules": [flat]}})
	findings := deny with input as {"resources": [nsg], "parameters": {}}
	count(findings) == 1
	some f in findings
	contains(f.message, "3389 (RDP), 5985 (WinRM), 5986 (WinRM over HTTPS)")
	contains(f.message, "source 0.0.0.0/0")
}

test_higher_priority_deny_closes_the_port if {
	count(deny) == 0 with input as mk_input([
		mk_rule("DenySSHInternet", 100, "Deny", "Internet", "22"),
		mk_rule("AllowSSH", 200, "Allow", "*", "22"),
	])
}

test_lower_priority_deny_does_not_close_the_port if {
	findings := deny with input as mk_input([
		mk_rule("AllowSSH", 100, "Allow", "*", "22"),
		mk_rule("DenySSH", 200, "Deny", "*", "22"),
	])
	{f.fix.rule | some f in findings} == {"AllowSSH"}
}

test_range_and_wildcard_rules_name_every_port if {
	findings := deny with input as mk_input([mk_rule("AllowAllTcp", 4000, "Allow", "Any", "*")])
	some f in findings
	contains(f.message, "22 (SSH), 3389 (RDP), 5985 (WinRM), 5986 (WinRM over HTTPS)")
	range_findings := deny with input as mk_input([mk_rule("AllowRange", 300, "Allow", "::/0", "20-25")])
	some g in range_findings
	contains(g.message, "allows management port 22 (SSH)")
}

test_one_finding_per_opening_rule if {
	findings := deny with input as mk_input([
		mk_rule("AllowSSH", 100, "Allow", "*", "22"),
		mk_rule("AllowRDP", 110, "Allow", "Internet", "3389"),
		mk_rule("AllowSSHAgain", 120, "Allow", "*", "22"),
	])
	{f.fix.rule | some f in findings} == {"AllowSSH", "AllowRDP"}
}
