# METADATA
# title: Secure transfer to storage accounts should be enabled
# description: >-
#   Storage accounts that accept plain HTTP expose data and shared keys to anyone on the
#   network path. The account is unhealthy when `properties.supportsHttpsTrafficOnly` is
#   false (boolean or string). When the field is absent the service default applies, which
#   is true for every account created since 2019, so an absent field is healthy.
# scope: package
# custom:
#   id: storage-secure-transfer
#   per_resource: true
#   severity: High
#   control: encrypt-data-in-transit
#   resource_types: [Microsoft.Storage/storageAccounts]
#   remediation: |-
#     1. In the Azure portal open the storage account and select Configuration.
#     2. Set "Secure transfer required" to Enabled and save.
#     3. Update clients that still connect over HTTP to use HTTPS.
#   quick_fix:
#     bash: az storage account update --ids {{resource.id}} --https-only true
#     powershell: Set-AzStorageAccount -ResourceGroupName {{resource.group}} -Name {{resource.name}} -EnableHttpsTrafficOnly $true
#   threats: [Data exfiltration, Account breach]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [MCSB DP-3, CIS Azure 3.1]
package posture.storage.secure_transfer

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(r, ["properties", "supportsHttpsTrafficOnly"], null)
	util.is_false(value)
	msg := sprintf("supportsHttpsTrafficOnly is %v: the account accepts unencrypted HTTP", [value])
}
