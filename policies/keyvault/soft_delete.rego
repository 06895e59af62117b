# METADATA
# title: Key vaults should have soft delete enabled
# description: >-
#   Without soft delete, deleting a vault or a key, secret or certificate in it - by
#   mistake or by an attacker - destroys it immediately, and with a key everything
#   encrypted under it. The vault is unhealthy when `properties.enableSoftDelete` is false
#   (boolean or string). An absent field is healthy: soft delete has been on by default
#   since 2020 and can no longer be turned off, so only vaults that explicitly say false
#   are unprotected.
# scope: package
# custom:
#   id: keyvault-soft-delete
#   per_resource: true
#   severity: High
#   control: implement-security-best-practices
#   resource_types: [Microsoft.KeyVault/vaults]
#   remediation: |-
#     1. In the Azure portal open the key vault and select Properties.
#     2. Enable soft delete and set the retention period (90 days is the default), then save.
#     3. Enable purge protection as well, so that soft-deleted objects cannot be purged before the retention period ends.
#   quick_fix:
#     bash: az resource update --ids {{resource.id}} --set properties.enableSoftDelete=true
#     powershell: $vault = Get-AzResource -ResourceId {{resource.id}}; $vault.Properties | Add-Member -MemberType NoteProperty -Name enableSoftDelete -Value $true -Force; Set-AzResource -ResourceId {{resource.id}} -Properties $vault.Properties -Force
#   threats: [Data spillage, Malicious insider, Denial of service]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB DP-8, CIS Azure 8.5, Azure Policy 1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d]
package posture.keyvault.soft_delete

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(util.props(r), "enableSoftDelete", null)
	util.is_false(value)
	msg := sprintf("enableSoftDelete is %v: deleted keys, secrets and certificates cannot be recovered", [value])
}
