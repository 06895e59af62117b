# METADATA
# title: Auditing on SQL server should be enabled
# description: >-
#   Server-level auditing records database events (logins, schema and permission changes,
#   queries) to a storage account, Log Analytics workspace or Event Hub; without it an
#   intrusion or insider misuse leaves no trail. A server is healthy when one of its
#   `Microsoft.Sql/servers/auditingSettings` children (normally `<server id>/auditingSettings/default`)
#   has `properties.state` Enabled (any case, or boolean true). A server with no
#   auditingSettings child in the inventory is unhealthy: auditing is off by default, and
#   an export without the child gives no evidence that it was turned on. Database-level
#   auditing and extendedAuditingSettings are not considered.
# scope: package
# custom:
#   id: sql-auditing
#   per_resource: true
#   severity: Low
#   control: enable-auditing-and-logging
#   resource_types: [Microsoft.Sql/servers]
#   remediation: |-
#     1. In the Azure portal open the SQL server and select Security > Auditing.
#     2. Turn on "Enable Azure SQL Auditing".
#     3. Choose a destination (Log Analytics workspace, storage account or Event Hub) and set retention to at least 90 days.
#     4. Save, then export the server's auditingSettings again to confirm the state is Enabled.
#   threats: [Malicious insider, Data exfiltration]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB LT-3, CIS Azure 4.1.1]
package posture.sql.auditing

import data.posture.lib.util

# Every auditingSettings child in the inventory as [lower-cased id, resource], found once.
_states(server) := [state |
	some pair in util.children_at(server.id, "/auditingsettings/")
	state := object.get(pair[1], ["properties", "state"], null)
]

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	states := _states(r)
	count(states) == 0
	msg := "no auditingSettings child in the inventory: server auditing is not enabled"
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	states := _states(r)
	count(states) > 0
	not _any_enabled(states)
	msg := sprintf("auditing state is %v: server auditing is not enabled", [concat(", ", [sprintf("%v", [s]) | some s in states])])
}

_any_enabled(states) if {
	some s in states
	util.is_true(s)
}
