package posture.network.nsg_all_ports_internet

mk_nsg(rules) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-app",
	"type": "Microsoft.Network/networkSecurityGroups",
	"name": "nsg-app",
	"properties": {"securityRules": rules, "defaultSecurityRules": [
		{"name": "AllowVnetInBound", "properties": {"priority": 65000, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"}},
		{"name": "AllowAzureLoadBalancerInBound", "properties": {"priority": 65001, "direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "AzureLoadBalancer", "destinationPortRange": "*"}},
		{"name": "DenyAllInBound", "properties": {"priority": 65500, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*", "destinationPortRange": "*"}},
	]},
}

mk_rule(name, priority, access, protocol, source, port) := {"name": name, "properties": {
	"priority": priority, "direction": "Inbound", "access": access, "protocol": protocol,
	"sourceAddressPrefix": source, "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": port,
}}

mk_input(rules) := {"resources": [mk_nsg(rules)], "parameters": {}}

test_non_web_port_from_internet_is_unhealthy if {
	findings := deny with input as mk_input([mk_rule("AllowSql", 100, "Allow", "Tcp", "Internet", "1433")])
	count(findings) == 1
	some f in findings
	f.message == "inbound rule AllowSql (priority 100, source internet) allows TCP port 1433 from the Internet; beyond 80, 443 and the management ports it opens 1433/tcp"
	f.fix == {"rule": "AllowSql"}
}

test_web_ports_are_healthy if {
	count(deny) == 0 with input as mk_input([
		mk_rule("AllowHttp", 100, "Allow", "Tcp", "*", "80"),
		mk_rule("AllowHttps", 110, "Allow", "Tcp", "Internet", "443"),
		mk_rule("AllowSqlFromApp", 120, "Allow", "Tcp", "10.20.1.0/24", "1433"),
	])
}

test_management_ports_are_left_to_their_own_recommendation if {
	count(deny) == 0 with input as mk_input([mk_rule("AllowSSH", 100, "Allow", "Tcp", "*", "22")])
}

test_missing_fields if {
	count(deny) == 0 with input as mk_input([])
	count(deny) == 0 with input as {"resources": [{"id": "/x/nsg", "type": "Microsoft.Network/networkSecurityGroups"}], "parameters": {}}

	# No protocol means all protocols: both TCP and UDP are reported.
	loose := {"name": "Loose", "properties": {"priority": 300, "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*", "destinationPortRange": "8443"}}
	findings := deny with input as mk_input([loose])
	some f in findings
	contains(f.message, "allows any-protocol port 8443")
	contains(f.message, "opens 8443/tcp, 8443/udp")
}

test_case_variants if {
	flat := {"name": "AllowApp", "priority": 200, "direction": "inbound", "access": "allow", "protocol": "UDP", "sourceAddressPrefixes": ["INTERNET"], "destinationPortRanges": ["3478-3481"]}
	findings := deny with input as {"resources": [{"id": "/x/NSG", "type": "microsoft.network/networksecuritygroups", "properties": {"securityRules": [flat]}}], "parameters": {}}
	some f in findings
	contains(f.message, "allows UDP port 3478-3481")
	contains(f.message, "opens 3478/udp")
}

test_wildcard_rule_counts_by_the_ports_it_covers if {
	findings := deny with input as mk_input([mk_rule("AllowAll", 4000, "Allow", "*", "*", "*")])
	some f in findings
	contains(f.message, "allows any-protocol ports * from the Internet")
	contains(f.message, "opens 0/tcp, 0/udp")
}

test_range_spanning_web_ports_is_unhealthy if {
	findings := deny with input as mk_input([mk_rule("AllowWebRange", 100, "Allow", "Tcp", "*", "80-443")])
	some f in findings
	contains(f.message, "opens 81/tcp")
}

test_higher_priority_deny_closes_the_ports if {
	count(deny) == 0 with input as mk_input([
		mk_rule("DenyHigh", 100, "Deny", "*", "Internet", "1024-65535"),
		mk_rule("AllowHigh", 200, "Allow", "Tcp", "*", "8000-9000"),
	])
	findings := deny with input as mk_input([
		mk_rule("DenyTcp", 100, "Deny", "Tcp", "*", "*"),
		mk_rule("AllowAll", 200, "Allow", "*", "*", "*"),
	])
	some f in findings
	contains(f.message, "opens 0/udp")
	not contains(f.message, "/tcp")
}
