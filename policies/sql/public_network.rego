# METADATA
# title: Public network access on SQL servers should be disabled
# description: >-
#   With public network access disabled the server is reachable only through private
#   endpoints, so firewall mistakes cannot expose it to the Internet. The server is
#   unhealthy when `properties.publicNetworkAccess` is anything but Disabled (any case):
#   Enabled, SecuredByPerimeter (access then depends on a network security perimeter this
#   tool cannot see) or absent. An absent field is unhealthy because servers created before
#   the setting existed, and API versions that omit it, have public access enabled.
# scope: package
# custom:
#   id: sql-public-network
#   per_resource: true
#   severity: Medium
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.Sql/servers]
#   remediation: |-
#     1. Create a private endpoint for the server in each virtual network whose clients need it, and check DNS resolves the server name to it.
#     2. In the Azure portal open the SQL server and select Security > Networking.
#     3. Set "Public network access" to Disable and save.
#   quick_fix:
#     bash: az sql server update --resource-group {{resource.group}} --name {{resource.name}} --enable-public-network false
#     powershell: Set-AzSqlServer -ResourceGroupName {{resource.group}} -ServerName {{resource.name}} -PublicNetworkAccess Disabled
#   threats: [Data exfiltration, Threat resistance]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB NS-2, CIS Azure 4.1.2]
package posture.sql.public_network

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	v := object.get(r, ["properties", "publicNetworkAccess"], null)
	not util.is_false(v)
	msg := sprintf("publicNetworkAccess is %v: the server accepts connections from public networks", [_shown(v)])
}

_shown(null) := "absent (Enabled by default)"

_shown(v) := v if v != null
