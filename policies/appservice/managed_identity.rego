# METADATA
# title: Managed identity should be used in App Service apps
# description: >-
#   With a managed identity the app authenticates to Key Vault, Storage, SQL and other
#   services with tokens issued by Microsoft Entra ID instead of secrets kept in app
#   settings or connection strings, which leak through configuration exports and logs. The
#   app is healthy when its top-level `identity.type` includes SystemAssigned or
#   UserAssigned (any case, e.g. "SystemAssigned, UserAssigned"). It is unhealthy when the
#   type is None or `identity` is absent: ARM returns the block whenever an identity is
#   assigned, so absence means the app has none. Whether the app actually uses the identity
#   instead of secrets cannot be seen in the inventory.
# scope: package
# custom:
#   id: appservice-managed-identity
#   per_resource: true
#   severity: Low
#   control: implement-security-best-practices
#   resource_types: [Microsoft.Web/sites]
#   remediation: |-
#     1. In the Azure portal open the app and select Settings > Identity.
#     2. Under System assigned set Status to On and save (or add a user-assigned identity).
#     3. Grant the identity roles on the services the app calls, then replace stored secrets with identity-based connections.
#   quick_fix:
#     bash: az webapp identity assign --resource-group {{resource.group}} --name {{resource.name}}
#     powershell: Set-AzWebApp -ResourceGroupName {{resource.group}} -Name {{resource.name}} -AssignIdentity $true
#   threats: [Account breach, Data exfiltration]
#   user_impact: Low
#   implementation_effort: Moderate
#   references: [MCSB IM-3]
package posture.appservice.managed_identity

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	t := object.get(r, ["identity", "type"], null)
	not _managed(t)
	msg := sprintf("identity type is %v: the app has no managed identity and must keep secrets to reach other services", [_shown(t)])
}

_managed(t) if {
	is_string(t)
	some kind in ["systemassigned", "userassigned"]
	contains(lower(t), kind)
}

_shown(null) := "absent"

_shown(t) := t if t != null
