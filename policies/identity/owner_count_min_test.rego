package posture.identity.owner_count_min

sub_id := "/subscriptions/00000000-0000-0000-0000-000000000001"

subscription := {
	"id": sub_id,
	"type": "Microsoft.Resources/subscriptions",
	"name": "dev",
	"subscriptionId": "00000000-0000-0000-0000-000000000001",
	"properties": {"state": "Enabled"},
}

owner_role := concat("", [sub_id, "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"])

contributor_role := concat("", [sub_id, "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"])

assignment(n, role, scope) := {
	"id": concat("", [scope, "/providers/Microsoft.Authorization/roleAssignments/", n]),
	"type": "Microsoft.Authorization/roleAssignments",
	"name": n,
	"properties": {"roleDefinitionId": role, "principalId": concat("", ["principal-", n]), "principalType": "User", "scope": scope},
}

index(list) := {lower(r.id): r | some r in list}

test_single_owner_is_unhealthy if {
	findings := deny with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([subscription, assignment("a", owner_role, sub_id), assignment("b", contributor_role, sub_id)])
	count(findings) == 1
	some f in findings
	contains(f.message, "1 Owner role assignment(s)")
	contains(f.message, "principal-a")
}

test_two_owners_is_healthy if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([assignment("a", owner_role, sub_id), assignment("b", owner_role, sub_id)])
	count(applicable) == 1 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([assignment("a", owner_role, sub_id), assignment("b", owner_role, sub_id)])
}

test_no_owner_at_subscription_scope_is_unhealthy if {
	rg_owner := assignment("a", owner_role, concat("", [sub_id, "/resourceGroups/rg-app"]))
	findings := deny with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([rg_owner, assignment("b", contributor_role, sub_id)])
	some f in findings
	contains(f.message, "0 Owner")
}

test_no_role_assignments_is_not_applicable if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
	count(applicable) == 0 with input as {"resources": [subscription], "parameters": {}}
	other := assignment("x", owner_role, "/subscriptions/ffffffff-0000-0000-0000-000000000001")
	count(applicable) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([other])
}

test_missing_scope_is_read_from_id if {
	a := {"id": assignment("a", owner_role, sub_id).id, "type": "Microsoft.Authorization/roleAssignments", "properties": {"roleDefinitionId": owner_role}}
	b := {"id": assignment("b", owner_role, sub_id).id, "type": "Microsoft.Authorization/roleAssignments", "properties": {"roleDefinitionId": owner_role, "scope": null}}
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([a, b])
}

test_case_variants if {
	odd := {"id": upper(sub_id), "type": "MICROSOFT.RESOURCES/subscriptions"}
	a := object.union(assignment("a", upper(owner_role), concat("", [upper(sub_id), "/"])), {"type": "microsoft.authorization/ROLEASSIGNMENTS"})
	b := assignment("b", owner_role, sub_id)
	count(deny) == 0 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index([a, b])
}
