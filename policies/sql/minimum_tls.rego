# METADATA
# title: SQL servers should require TLS 1.2 or later
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and are no longer accepted by current compliance
#   standards. The server is unhealthy when `properties.minimalTlsVersion` is below the
#   parameter `minimum` (default 1.2), is None (no minimum: every version is accepted), or
#   is not a recognised TLS version. An absent field is unhealthy too: servers created
#   before the setting existed, and API versions that omit it, accept TLS 1.0. Spellings
#   such as 1.2, TLS1_2 and Tls12 are all understood. A `minimum` parameter that is not a
#   TLS version marks every server unhealthy with a message saying so.
# scope: package
# custom:
#   id: sql-minimum-tls
#   per_resource: true
#   severity: Medium
#   control: encrypt-data-in-transit
#   resource_types: [Microsoft.Sql/servers]
#   parameters:
#     minimum: "1.2"
#   remediation: |-
#     1. Check that every client library connecting to the server supports TLS 1.2.
#     2. In the Azure portal open the SQL server and select Security > Networking > Connectivity.
#     3. Set "Minimum TLS version" to 1.2 (or later) and save.
#   quick_fix:
#     bash: az sql server update --resource-group {{resource.group}} --name {{resource.name}} --minimal-tls-version {{fix.minimum}}
#     powershell: Set-AzSqlServer -ResourceGroupName {{resource.group}} -ServerName {{resource.name}} -MinimalTlsVersion {{fix.minimum}}
#   threats: [Data exfiltration, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB DP-3, CIS Azure 4.1.7]
package posture.sql.minimum_tls

import data.posture.lib.tls

_minimum := tls.normalize(input.parameters.minimum)

deny contains {"resource": r.id, "message": msg, "fix": {"minimum": _minimum}} if {
	some r in input.resources
	v := object.get(r, ["properties", "minimalTlsVersion"], null)
	reason := _weak(v)
	msg := sprintf("minimalTlsVersion %s: the server accepts TLS versions below %s", [reason, _minimum])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _minimum
	msg := sprintf("cannot assess: parameter minimum %v is not a TLS version", [object.get(input.parameters, "minimum", null)])
}

# One rule with else branches (the cases exclude each other): every definition of a
# multi-definition function runs on each call. _minimum is normalised already.
_weak(v) := "is absent" if v == null

else := "is None" if tls.is_none(v)

else := sprintf("is %v", [v]) if tls.normalize(v) < _minimum

else := sprintf("%v is not a recognised TLS version", [v]) if not tls.normalize(v)
