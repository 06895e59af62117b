# METADATA
# title: Access to storage accounts with firewall and virtual network configurations should be restricted
# description: >-
#   A storage account that accepts connections from any network relies on keys and tokens
#   alone; the storage firewall adds a network boundary so a leaked credential is not
#   enough. The account is unhealthy when `properties.networkAcls.defaultAction` is not
#   Deny and `properties.publicNetworkAccess` is not Disabled (either setting closes the
#   public endpoint). An absent defaultAction means Allow, the service default; an absent
#   publicNetworkAccess means the public endpoint follows the firewall. Values are compared
#   case-insensitively.
# scope: package
# custom:
#   id: storage-network-restricted
#   per_resource: true
#   severity: Low
#   control: implement-security-best-practices
#   resource_types: [Microsoft.Storage/storageAccounts]
#   remediation: |-
#     1. Decide which virtual networks, subnets and public IP ranges need the account, and whether trusted Azure services need the bypass.
#     2. In the Azure portal open the storage account and select Networking.
#     3. Choose "Enabled from selected virtual networks and IP addresses" (or Disabled with private endpoints), add the networks and ranges, and save.
#   quick_fix:
#     bash: az storage account update --ids {{resource.id}} --default-action Deny --bypass AzureServices
#     powershell: Update-AzStorageAccountNetworkRuleSet -ResourceGroupName {{resource.group}} -Name {{resource.name}} -DefaultAction Deny -Bypass AzureServices
#   threats: [Data exfiltration, Account breach]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB NS-2, CIS Azure 3.8, Azure Policy 34c877ad-507e-4c82-993e-3452a6e0ad3c]
package posture.storage.network_restricted

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	action := object.get(r, ["properties", "networkAcls", "defaultAction"], null)
	public := object.get(r, ["properties", "publicNetworkAccess"], null)
	util.lc(action) != "deny"
	not util.is_false(public)
	msg := sprintf("networkAcls.defaultAction is %v and publicNetworkAccess is %v: any network can reach the account", [_shown(action, "absent (Allow)"), _shown(public, "absent")])
}

_shown(null, absent) := absent

_shown(v, _) := v if v != null
