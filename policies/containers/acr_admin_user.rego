# METADATA
# title: Container registries should have the admin user disabled
# description: >-
#   The registry admin user is a single shared username and password with push and pull
#   rights on every repository; it cannot be scoped, audited per person or protected by
#   conditional access. The registry is unhealthy when `properties.adminUserEnabled` is true
#   (boolean or string). An absent field is healthy: the admin user is disabled by default.
# scope: package
# custom:
#   id: acr-admin-user
#   per_resource: true
#   severity: Medium
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.ContainerRegistry/registries]
#   remediation: |-
#     1. Move clients that log in with the admin credentials to Microsoft Entra identities (managed identities for build agents and clusters) with AcrPull or AcrPush roles.
#     2. In the Azure portal open the registry and select Settings > Access keys.
#     3. Turn off "Admin user".
#   quick_fix:
#     bash: az acr update --resource-group {{resource.group}} --name {{resource.name}} --admin-enabled false
#     powershell: Update-AzContainerRegistry -ResourceGroupName {{resource.group}} -Name {{resource.name}} -DisableAdminUser
#   threats: [Account breach, Malicious insider, Data exfiltration]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB PA-1, MCSB IM-1]
package posture.containers.acr_admin_user

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	v := object.get(r, ["properties", "adminUserEnabled"], null)
	util.is_true(v)
	msg := sprintf("adminUserEnabled is %v: a shared admin password grants push and pull on every repository", [v])
}
