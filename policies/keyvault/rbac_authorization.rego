# METADATA
# title: Key vaults should use the Azure RBAC permission model
# description: >-
#   Vault access policies grant broad per-vault permissions, are managed outside Azure
#   RBAC (so Privileged Identity Management, deny assignments and central reviews do not
#   apply) and can be edited by anyone with Contributor on the vault. Azure RBAC gives
#   least-privilege roles per vault or per object, managed and audited like every other
#   Azure permission. The vault is unhealthy unless `properties.enableRbacAuthorization`
#   is true (boolean or string). An absent field means the access-policy model, the
#   default of the API versions that omit it, so it is unhealthy.
# scope: package
# custom:
#   id: keyvault-rbac-authorization
#   per_resource: true
#   severity: Medium
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.KeyVault/vaults]
#   remediation: |-
#     1. Map each access policy of the vault to a built-in role (Key Vault Secrets User, Key Vault Crypto User, Key Vault Certificates Officer, Key Vault Administrator) and create those role assignments, at vault scope or narrower.
#     2. In the Azure portal open the key vault, select Access configuration and choose "Azure role-based access control".
#     3. Save, then check that applications still have access; the old access policies stop applying at once.
#   quick_fix:
#     bash: az keyvault update --resource-group {{resource.group}} --name {{resource.name}} --enable-rbac-authorization true
#     powershell: Update-AzKeyVault -ResourceGroupName {{resource.group}} -VaultName {{resource.name}} -EnableRbacAuthorization $true
#   threats: [Elevation of privilege, Malicious insider]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB PA-7, CIS Azure 8.6, Azure Policy 12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5]
package posture.keyvault.rbac_authorization

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(util.props(r), "enableRbacAuthorization", null)
	not util.is_true(value)
	msg := sprintf("enableRbacAuthorization is %v: access is governed by %s", [_shown(value), _policies(r)])
}

_shown(null) := "absent (false)"

_shown(v) := v if v != null

_policies(r) := sprintf("vault access policies (%d defined)", [count(p)]) if {
	p := util.props(r).accessPolicies
	is_array(p)
} else := "vault access policies"
