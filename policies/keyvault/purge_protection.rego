# METADATA
# title: Key vaults should have purge protection enabled
# description: >-
#   Soft delete alone lets anyone with purge permission destroy a deleted key at once, so
#   a malicious insider or a compromised administrator can still make encrypted data
#   unrecoverable. Purge protection enforces the retention period even against
#   administrators. The vault is unhealthy unless `properties.enablePurgeProtection` is
#   true (boolean or string). An absent field means the default, off, so it is unhealthy.
#   Purge protection cannot be turned off once enabled.
# scope: package
# custom:
#   id: keyvault-purge-protection
#   per_resource: true
#   severity: Medium
#   control: implement-security-best-practices
#   resource_types: [Microsoft.KeyVault/vaults]
#   remediation: |-
#     1. Check that soft delete is enabled on the vault (purge protection requires it) and that nobody depends on purging and re-creating objects with the same name, for example in test pipelines.
#     2. In the Azure portal open the key vault, select Properties and choose "Enable purge protection".
#     3. Save; the setting is irreversible.
#   quick_fix:
#     bash: az keyvault update --resource-group {{resource.group}} --name {{resource.name}} --enable-purge-protection true
#     powershell: Update-AzKeyVault -ResourceGroupName {{resource.group}} -VaultName {{resource.name}} -EnablePurgeProtection
#   threats: [Malicious insider, Data spillage, Denial of service]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB DP-8, CIS Azure 8.5, Azure Policy 0b60c0b2-2dc2-4e1c-b5c9-abbed971de53]
package posture.keyvault.purge_protection

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(util.props(r), "enablePurgeProtection", null)
	not util.is_true(value)
	msg := sprintf("enablePurgeProtection is %v: soft-deleted keys, secrets and certificates can be purged at once", [_shown(value)])
}

_shown(null) := "absent (off)"

_shown(v) := v if v != null
