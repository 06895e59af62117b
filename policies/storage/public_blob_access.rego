# METADATA
# title: Storage account public access should be disallowed
# description: >-
#   Anonymous public read access to containers and blobs lets anyone who finds a URL read
#   the data, with no credential and no audit trail of who did. The account is unhealthy
#   unless `properties.allowBlobPublicAccess` is false (boolean or string). When the field
#   is absent the account-level switch was never set, and for accounts created before
#   November 2023 the service then allows containers to be made public, so an absent field
#   is unhealthy.
# scope: package
# custom:
#   id: storage-public-blob-access
#   per_resource: true
#   severity: Medium
#   control: manage-access-and-permissions
#   resource_types: [Microsoft.Storage/storageAccounts]
#   remediation: |-
#     1. List containers with public access (az storage container list --query "[?properties.publicAccess]") and move data that must stay public behind a CDN or SAS tokens.
#     2. In the Azure portal open the storage account and select Configuration.
#     3. Set "Allow Blob anonymous access" to Disabled and save.
#   quick_fix:
#     bash: az storage account update --ids {{resource.id}} --allow-blob-public-access false
#     powershell: Set-AzStorageAccount -ResourceGroupName {{resource.group}} -Name {{resource.name}} -AllowBlobPublicAccess $false
#   threats: [Data exfiltration, Data spillage]
#   user_impact: Moderate
#   implementation_effort: Low
#   references: [CIS Azure 3.7, Azure Policy 4fa4b6c0-31ca-4c0d-b10d-24b96f62a751]
package posture.storage.public_blob_access

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	value := object.get(r, ["properties", "allowBlobPublicAccess"], null)
	not util.is_false(value)
	msg := sprintf("allowBlobPublicAccess is %v: containers can be opened to anonymous readers", [_shown(value)])
}

_shown(null) := "absent"

_shown(v) := v if v != null
