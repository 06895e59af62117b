package posture.identity.defender_plans

sub_id := "/subscriptions/00000000-0000-0000-0000-000000000001"

subscription := {"id": sub_id, "type": "Microsoft.Resources/subscriptions", "name": "prod", "properties": {"state": "Enabled"}}

pricing(plan, tier) := {
	"id": concat("", [sub_id, "/providers/Microsoft.Security/pricings/", plan]),
	"type": "Microsoft.Security/pricings",
	"name": plan,
	"properties": {"pricingTier": tier},
}

params := {"plans": ["VirtualMachines", "StorageAccounts", "SqlServers", "KeyVaults"]}

index(list) := {lower(r.id): r | some r in list}

all_standard := [
	pricing("VirtualMachines", "Standard"),
	pricing("StorageAccounts", "Standard"),
	pricing("SqlServers", "Standard"),
	pricing("KeyVaults", "Standard"),
]

test_free_and_absent_plans_are_unhealthy if {
	findings := deny with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([
			pricing("VirtualMachines", "Standard"),
			pricing("StorageAccounts", "Free"),
			pricing("SqlServers", "Standard"),
		])
	count(findings) == 2
	{f.fix.plan | some f in findings} == {"StorageAccounts", "KeyVaults"}
	some f in findings
	f.fix.plan == "KeyVaults"
	contains(f.message, "KeyVaults is absent (Free)")
	contains(f.message, "plans not on Standard: StorageAccounts, KeyVaults")
}

test_all_standard_is_healthy if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index(all_standard)
}

test_missing_pricings_and_tier_are_free if {
	count(deny) == 4 with input as {"resources": [subscription], "parameters": params}
	no_tier := object.remove(pricing("KeyVaults", "x"), ["properties"])
	findings := deny with input as {"resources": [subscription], "parameters": {"plans": ["KeyVaults"]}}
		with data.posture.resources as index([no_tier])
	count(findings) == 1
}

test_case_variants if {
	odd := {"id": upper(sub_id), "type": "microsoft.resources/subscriptions"}
	lower_case := [
		object.union(pricing("VirtualMachines", "standard"), {"id": lower(pricing("VirtualMachines", "x").id)}),
		pricing("storageaccounts", "STANDARD"),
		pricing("SQLSERVERS", "Standard"),
		pricing("KeyVaults", "Standard"),
	]
	count(deny) == 0 with input as {"resources": [odd], "parameters": params}
		with data.posture.resources as index(lower_case)
}

test_plans_parameter if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {"plans": ["KeyVaults", 7]}}
		with data.posture.resources as index([pricing("KeyVaults", "Standard")])
	findings := deny with input as {"resources": [subscription], "parameters": {"plans": "KeyVaults"}}
	count(findings) == 1
	some f in findings
	contains(f.message, "cannot assess")
}
