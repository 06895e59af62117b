# METADATA
# title: SQL server firewall rules should not allow access from the whole Internet
# description: >-
#   A server-level firewall rule from 0.0.0.0 to 255.255.255.255 lets every IPv4 address
#   on the Internet reach the server's TDS endpoint, leaving only the login to stop password
#   spraying and exploits. The server is unhealthy when one of its
#   `Microsoft.Sql/servers/firewallRules` children has `startIpAddress` 0.0.0.0 and
#   `endIpAddress` 255.255.255.255; one finding per such rule, naming it, and the quick fix
#   deletes that rule. The special rule 0.0.0.0 to 0.0.0.0 ("Allow Azure services",
#   usually AllowAllWindowsAzureIps) is not this finding. A server without firewallRules
#   children, or a rule missing either address, is not flagged: there is no evidence of an
#   all-Internet rule. Whether public network access is on at all is the separate
#   recommendation sql-public-network.
# scope: package
# custom:
#   id: sql-firewall-internet
#   per_resource: true
#   severity: High
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Sql/servers]
#   remediation: |-
#     1. In the Azure portal open the SQL server and select Security > Networking.
#     2. Under Firewall rules delete the rule that spans 0.0.0.0 to 255.255.255.255.
#     3. Add rules for the specific client address ranges that need access, or use private endpoints.
#     4. Save.
#   quick_fix:
#     bash: az sql server firewall-rule delete --resource-group {{resource.group}} --server {{resource.name}} --name {{fix.rule}}
#     powershell: Remove-AzSqlServerFirewallRule -ResourceGroupName {{resource.group}} -ServerName {{resource.name}} -FirewallRuleName {{fix.rule}} -Force
#   threats: [Data exfiltration, Account breach, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB NS-2, CIS Azure 4.1.2]
package posture.sql.firewall_internet

import data.posture.lib.util

# Every firewallRules child in the inventory as [lower-cased id, resource], found once.
deny contains {"resource": r.id, "message": msg, "fix": {"rule": name}} if {
	some r in input.resources
	some pair in util.children_at(r.id, "/firewallrules/")
	rule := pair[1]
	_address(rule, "startIpAddress") == "0.0.0.0"
	_address(rule, "endIpAddress") == "255.255.255.255"
	name := _name(rule)
	msg := sprintf("firewall rule %s allows 0.0.0.0 to 255.255.255.255: the whole Internet can reach the server", [name])
}

_address(rule, field) := trim_space(v) if {
	v := object.get(rule, ["properties", field], null)
	is_string(v)
}

# The rule's own name, as written, is the last segment of its id.
_name(rule) := regex.replace(rule.id, `^.*/`, "")
