# METADATA
# title: Storage accounts should prevent shared key access
# description: >-
#   Shared keys grant full control of the account to whoever holds them, never expire and
#   leave no identity in the logs; Microsoft Entra ID authorisation gives per-identity,
#   revocable, audited access instead. The account is unhealthy unless
#   `properties.allowSharedKeyAccess` is false (boolean or string). An absent field means
#   the service default, which allows shared key access, so it is unhealthy.
# scope: package
# custom:
#   id: storage-shared-key-access
#   per_resource: true
#   severity: Medium
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.Storage/storageAccounts]
#   remediation: |-
#     1. Find clients that still use account keys or account SAS tokens (the StorageBlobLogs AuthenticationType field shows them) and move them to Microsoft Entra ID with a role such as Storage Blob Data Reader.
#     2. In the Azure portal open the storage account and select Configuration.
#     3. Set "Allow storage account key access" to Disabled and save.
#   quick_fix:
#     bash: az storage account update --ids {{resource.id}} --allow-shared-key-access false
#     powershell: Set-AzStorageAccount -ResourceGroupName {{resource.group}} -Name {{resource.name}} -AllowSharedKeyAccess $false
#   threats: [Account breach, Malicious insider]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB IM-1, Azure Policy 8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54]
package posture.storage.shared_key_access

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(r, ["properties", "allowSharedKeyAccess"], null)
	not util.is_false(value)
	msg := sprintf("allowSharedKeyAccess is %v: account keys and account SAS tokens are accepted", [_shown(value)])
}

_shown(null) := "absent (the default, allowed)"

_shown(v) := v if v != null
