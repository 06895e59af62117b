# METADATA
# title: Microsoft Defender plans for servers, storage, SQL and Key Vault should be enabled
# description: >-
#   The Defender plans add threat detection (security alerts) and plan-specific
#   recommendations for their workloads; without them attacks on machines, storage
#   accounts, SQL servers and key vaults go unnoticed. The subscription
#   (`Microsoft.Resources/subscriptions`) is unhealthy when, for a plan in the parameter
#   `plans` (default VirtualMachines, StorageAccounts, SqlServers, KeyVaults), its
#   `Microsoft.Security/pricings` resource
#   (`/subscriptions/<id>/providers/Microsoft.Security/pricings/<plan>`, matched in any
#   case) does not have `properties.pricingTier` Standard. An absent pricing resource or
#   tier counts as Free, the default. There is one finding per plan, each naming the plan
#   and listing all plans not on Standard; the quick fix enables that plan.
# scope: package
# custom:
#   id: subscription-defender-plans
#   per_resource: true
#   severity: High
#   control: enable-enhanced-security-features
#   resource_types: [Microsoft.Resources/subscriptions]
#   parameters:
#     plans: [VirtualMachines, StorageAccounts, SqlServers, KeyVaults]
#   remediation: |-
#     1. In the Azure portal open Microsoft Defender for Cloud > Environment settings and select the subscription.
#     2. Turn on the Servers, Storage, Databases (Azure SQL) and Key Vault plans and save.
#     3. Review the plan settings (for example the Servers plan level and agentless scanning).
#   quick_fix:
#     bash: az security pricing create --name {{fix.plan}} --tier Standard --subscription {{resource.subscription}}
#     powershell: Set-AzContext -Subscription {{resource.subscription}}; Set-AzSecurityPricing -Name {{fix.plan}} -PricingTier Standard
#   threats: [Threat resistance, Missing coverage, Data exfiltration]
#   user_impact: Low
#   implementation_effort: Low
#   references: [MCSB LT-1, CIS Azure 2.1.1, CIS Azure 2.1.5, CIS Azure 2.1.3, CIS Azure 2.1.8]
package posture.identity.defender_plans

_plans := [p | some p in input.parameters.plans; is_string(p)] if is_array(input.parameters.plans)

# Each subscription's tiers are read once, in the order of _plans, for both the failing
# plans and the list in every message.
deny contains {"resource": r.id, "message": msg, "fix": {"plan": plan}} if {
	some r in input.resources
	tiers := [_tier(r, plan) | some plan in _plans]
	weak := [plan | some i, plan in _plans; not _standard(tiers[i])]
	some i, plan in _plans
	tier := tiers[i]
	not _standard(tier)
	msg := sprintf("Defender plan %s is %v, not Standard; plans not on Standard: %s", [plan, tier, concat(", ", weak)])
}

deny contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	not _plans
	msg := sprintf("cannot assess: parameter plans %v is not a list of plan names", [object.get(input.parameters, "plans", null)])
}

_tier(sub, plan) := tier if {
	p := data.posture.resources[concat("", [lower(sub.id), "/providers/microsoft.security/pricings/", lower(plan)])]
	tier := object.get(p, ["properties", "pricingTier"], null)
	tier != null
} else := "absent (Free)"

_standard(tier) if {
	is_string(tier)
	lower(tier) == "standard"
}
