# METADATA
# title: Storage accounts should use customer-managed keys for encryption
# description: >-
#   Data at rest in a storage account is always encrypted, by default with keys Microsoft
#   manages. A customer-managed key in Key Vault lets the organisation rotate the key,
#   audit its use and revoke access to the data by revoking the key, which some regulations
#   require. The account is unhealthy unless `properties.encryption.keySource` is
#   Microsoft.Keyvault (any case). An absent keySource means Microsoft.Storage, the
#   platform-managed default, so it is unhealthy. Like the reference service's "(Enable if
#   required)" customer-managed-key recommendations this one is off by default; enable it
#   where policy demands customer control of keys.
# scope: package
# custom:
#   id: storage-cmk
#   per_resource: true
#   severity: Low
#   control: enable-encryption-at-rest
#   resource_types: [Microsoft.Storage/storageAccounts]
#   enabled: false
#   remediation: |-
#     1. Create or choose a key vault with soft delete and purge protection enabled, in the account's region, and an RSA key in it.
#     2. Give the storage account a managed identity and grant it the Key Vault Crypto Service Encryption User role on the key (or get, wrapKey and unwrapKey permissions).
#     3. In the Azure portal open the storage account, select Encryption, choose "Customer-managed keys", select the key and save.
#   threats: [Data exfiltration, Malicious insider]
#   user_impact: Low
#   implementation_effort: Moderate
#   references: [MCSB DP-5, CIS Azure 3.12, Azure Policy 6fac406b-40ca-413b-bf8e-0bf964659c25]
package posture.storage.cmk

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	source := object.get(r, ["properties", "encryption", "keySource"], null)
	util.lc(source) != "microsoft.keyvault"
	msg := sprintf("encryption.keySource is %v: data is encrypted with platform-managed keys only", [_shown(source)])
}

_shown(null) := "absent (Microsoft.Storage)"

_shown(v) := v if v != null
