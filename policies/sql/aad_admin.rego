# METADATA
# title: An Azure Active Directory administrator should be provisioned for SQL servers
# description: >-
#   Without a Microsoft Entra ID (Azure AD) administrator the server only has SQL
#   authentication: shared passwords, no MFA, no conditional access and no central
#   revocation when people leave. The server is healthy when `properties.administrators`
#   (API 2020-11-01-preview and later) or a `Microsoft.Sql/servers/administrators` child
#   (`<server id>/administrators/ActiveDirectory`) names an administrator: a non-empty
#   `login` or `sid`, with `administratorType` ActiveDirectory or absent. When neither is
#   in the inventory the server is unhealthy: older API versions do not return the
#   property, so export the administrators child to assess such servers.
# scope: package
# custom:
#   id: sql-aad-admin
#   per_resource: true
#   severity: High
#   control: implement-security-best-practices
#   resource_types: [Microsoft.Sql/servers]
#   remediation: |-
#     1. Create or choose a Microsoft Entra ID group for the database administrators.
#     2. In the Azure portal open the SQL server and select Settings > Microsoft Entra ID.
#     3. Select "Set admin", choose the group and save.
#     4. Consider "Support only Microsoft Entra authentication" once applications use Entra ID logins.
#   threats: [Account breach, Elevation of privilege, Malicious insider]
#   user_impact: Low
#   implementation_effort: Moderate
#   references: [MCSB IM-1, CIS Azure 4.1.3]
package posture.sql.aad_admin

import data.posture.lib.util

# Every administrators child in the inventory as [lower-cased id, resource], found once.
deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _has_admin(r)
	msg := "no Azure AD administrator: neither properties.administrators nor an administrators child names one"
}

_has_admin(server) if _is_admin(object.get(server, ["properties", "administrators"], null))

_has_admin(server) if {
	some pair in util.children_at(server.id, "/administrators/")
	_is_admin(object.get(pair[1], "properties", null))
}

_is_admin(a) if {
	is_object(a)
	_entra_type(object.get(a, "administratorType", null))
	some field in ["login", "sid"]
	v := object.get(a, field, null)
	is_string(v)
	trim_space(v) != ""
}

_entra_type(null) := true

_entra_type(t) if {
	is_string(t)
	lower(t) == "activedirectory"
}
