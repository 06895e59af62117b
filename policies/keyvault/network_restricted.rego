# METADATA
# title: Key vaults should restrict network access
# description: >-
#   A key vault reachable from any network relies on credentials alone to protect the
#   organisation's keys and secrets; the vault firewall or a private endpoint adds a
#   network boundary a stolen token cannot cross. The vault is unhealthy when public
#   network access is enabled and `properties.networkAcls.defaultAction` is not Deny.
#   `properties.publicNetworkAccess` absent or Enabled means public access is enabled (the
#   platform default); Disabled (any case) makes the vault healthy whatever the firewall
#   says. An absent networkAcls or defaultAction means Allow.
# scope: package
# custom:
#   id: keyvault-network-restricted
#   per_resource: true
#   severity: Medium
#   control: restrict-unauthorized-network-access
#   resource_types: [Microsoft.KeyVault/vaults]
#   remediation: |-
#     1. List who needs the vault - applications (their virtual networks or outbound IP addresses), pipelines and administrators - and whether trusted Microsoft services need the bypass.
#     2. In the Azure portal open the key vault and select Networking; choose "Allow public access from specific virtual networks and IP addresses" and add them, or "Disable public access" and create a private endpoint.
#     3. Save, then check that applications can still read their secrets.
#   quick_fix:
#     bash: az keyvault update --resource-group {{resource.group}} --name {{resource.name}} --default-action Deny --bypass AzureServices
#     powershell: Update-AzKeyVaultNetworkRuleSet -ResourceGroupName {{resource.group}} -VaultName {{resource.name}} -DefaultAction Deny -Bypass AzureServices
#   threats: [Data exfiltration, Account breach]
#   user_impact: High
#   implementation_effort: Moderate
#   references: [MCSB NS-2, CIS Azure 8.7, Azure Policy 55615ac9-af46-4a59-874e-391cc3dfb490]
package posture.keyvault.network_restricted

import data.posture.lib.util

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	p := util.props(r)
	public := object.get(p, "publicNetworkAccess", null)
	action := object.get(p, ["networkAcls", "defaultAction"], null)
	not util.is_false(public)
	util.lc(action) != "deny"
	msg := sprintf("publicNetworkAccess is %v and networkAcls.defaultAction is %v: any network can reach the vault", [_shown(public, "absent (Enabled)"), _shown(action, "absent (Allow)")])
}

_shown(null, absent) := absent

_shown(v, _) := v if v != null
