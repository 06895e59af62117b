# METADATA
# title: Transparent Data Encryption on SQL databases should be enabled
# description: >-
#   Transparent Data Encryption (TDE) encrypts database files, backups and logs at rest, so
#   stolen media or copied backups do not disclose data. A database is unhealthy when its
#   `Microsoft.Sql/servers/databases/transparentDataEncryption` child
#   (`<database id>/transparentDataEncryption/current`) has `properties.state` (or
#   `properties.status` in API 2014-04-01) other than Enabled, or when no such child is in
#   the inventory: TDE is on by default for databases created since 2017, but older ones
#   and restored copies may have it off, and without the child there is no evidence. The
#   `master` system database is not applicable (its encryption is managed by the service).
# scope: package
# custom:
#   id: sql-db-tde
#   per_resource: true
#   severity: Low
#   control: enable-encryption-at-rest
#   resource_types: [Microsoft.Sql/servers/databases]
#   remediation: |-
#     1. In the Azure portal open the SQL database and select Security > Transparent data encryption.
#     2. Set data encryption to On and save.
#     3. Wait for the encryption scan to finish; the database stays online throughout.
#   quick_fix:
#     bash: az sql db tde set --resource-group {{resource.group}} --server {{fix.server}} --database {{fix.database}} --status Enabled
#     powershell: Set-AzSqlDatabaseTransparentDataEncryption -ResourceGroupName {{resource.group}} -ServerName {{fix.server}} -DatabaseName {{fix.database}} -State Enabled
#   threats: [Data exfiltration, Data spillage]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB DP-4, CIS Azure 4.1.5]
package posture.sql.db_tde

import data.posture.lib.util

# Every database but master (a system database TDE does not apply to).
applicable contains r.id if {
	some r in input.resources
	not _is_master(r)
}

# One rule: the database's TDE children are read once for both problems.
deny contains {"resource": r.id, "message": msg, "fix": _fix(r)} if {
	some r in input.resources
	not _is_master(r)
	msg := _problem(_states(r))
}

_problem(states) := "no transparentDataEncryption child in the inventory: encryption at rest is not confirmed" if {
	count(states) == 0
} else := sprintf("transparentDataEncryption state is %v: the database is not encrypted at rest", [concat(", ", [sprintf("%v", [s]) | some s in states])]) if {
	not _any_enabled(states)
}

_is_master(db) if lower(_segment(db, 1)) == "master"

# The n-th id segment from the end: 1 is the database, 3 the server.
_segment(db, n) := parts[count(parts) - n] if parts := split(db.id, "/")

_fix(db) := {"server": server, "database": _segment(db, 1)} if {
	server := _segment(db, 3)
} else := {"database": _segment(db, 1)}

_states(db) := [state |
	some pair in util.children_at(db.id, "/transparentdataencryption/")
	state := object.get(pair[1], ["properties", "state"], object.get(pair[1], ["properties", "status"], null))
]

_any_enabled(states) if {
	some s in states
	util.is_true(s)
}
