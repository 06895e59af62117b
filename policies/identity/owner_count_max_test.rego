package posture.identity.owner_count_max

sub_id := "/subscriptions/00000000-0000-0000-0000-000000000001"

subscription := {
	"id": sub_id,
	"type": "Microsoft.Resources/subscriptions",
	"name": "prod",
	"subscriptionId": "00000000-0000-0000-0000-000000000001",
	"properties": {"state": "Enabled"},
}

owner_role := concat("", [sub_id, "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"])

reader_role := concat("", [sub_id, "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"])

assignment(n, role, scope) := {
	"id": concat("", [scope, "/providers/Microsoft.Authorization/roleAssignments/", n]),
	"type": "Microsoft.Authorization/roleAssignments",
	"name": n,
	"properties": {"roleDefinitionId": role, "principalId": concat("", ["principal-", n]), "principalType": "User", "scope": scope},
}

owners(n) := [assignment(sprintf("%d", [i]), owner_role, sub_id) | some i in numbers.range(1, n)]

index(list) := {lower(r.id): r | some r in list}

test_four_owners_is_unhealthy if {
	findings := deny with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(array.concat([subscription], owners(4)))
	count(findings) == 1
	some f in findings
	contains(f.message, "4 Owner role assignments")
	contains(f.message, "principal-4")
}

test_three_owners_is_healthy if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(owners(3))
	count(applicable) == 1 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(owners(3))
}

test_other_roles_and_scopes_do_not_count if {
	extra := [
		assignment("r1", reader_role, sub_id),
		assignment("rg1", owner_role, concat("", [sub_id, "/resourceGroups/rg-app"])),
		assignment("mg1", owner_role, "/providers/Microsoft.Management/managementGroups/root"),
		assignment("other", owner_role, "/subscriptions/ffffffff-0000-0000-0000-000000000001"),
	]
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(array.concat(owners(3), extra))
}

test_no_role_assignments_is_not_applicable if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([subscription])
	count(applicable) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index([subscription])
}

test_missing_fields if {
	# No scope: read from the id. No principalId: the assignment id is counted.
	bare := [{"id": a.id, "type": a.type, "properties": {"roleDefinitionId": owner_role}} | some a in owners(4)]
	count(deny) == 1 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(bare)
	no_role := [{"id": a.id, "type": a.type, "properties": {"scope": sub_id}} | some a in owners(4)]
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(no_role)
}

test_case_variants if {
	odd := {"id": upper(sub_id), "type": "microsoft.resources/SUBSCRIPTIONS"}
	shouty := [object.union(a, {"properties": {"scope": concat("", [upper(sub_id), "/"]), "roleDefinitionId": upper(owner_role)}}) | some a in owners(4)]
	count(deny) == 1 with input as {"resources": [odd], "parameters": {}}
		with data.posture.resources as index(shouty)
}

test_assignments_are_counted_not_principals if {
	same := [object.union(a, {"properties": {"principalId": "principal-shared"}}) | some a in owners(4)]
	findings := deny with input as {"resources": [subscription], "parameters": {}}
		with data.posture.resources as index(same)
	count(findings) == 1
	some f in findings
	contains(f.message, "4 Owner role assignments")
}
