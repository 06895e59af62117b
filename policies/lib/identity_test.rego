package posture.lib.identity

fx_sub_id := "/subscriptions/00000000-0000-0000-0000-000000000001"

fx_sub := {"id": fx_sub_id, "type": "Microsoft.Resources/subscriptions", "name": "dev"}

fx_owner := concat("", [fx_sub_id, "/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635"])

fx_reader := concat("", [fx_sub_id, "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"])

mk_assignment(n, role, scope) := {
	"id": concat("", [scope, "/providers/Microsoft.Authorization/roleAssignments/", n]),
	"type": "Microsoft.Authorization/roleAssignments",
	"name": n,
	"properties": {"roleDefinitionId": role, "principalId": n, "scope": scope},
}

mk_index(list) := {lower(r.id): r | some r in list}

# Owners are the Owner assignments at the subscription itself (a scope written with other
# case or a trailing slash, or taken from the id when absent); an assignment anywhere in
# the subscription makes it assigned.
test_owners_at_subscription_scope if {
	rg := concat("", [fx_sub_id, "/resourceGroups/rg"])
	no_scope := object.remove(mk_assignment("c", fx_owner, fx_sub_id), ["properties"])
	at_sub := object.union(mk_assignment("a", fx_owner, fx_sub_id), {"properties": {"scope": concat("", [upper(fx_sub_id), "/ "])}})
	resources := mk_index([at_sub, mk_assignment("b", fx_owner, rg), object.union(no_scope, {"properties": {"roleDefinitionId": fx_owner}}), mk_assignment("d", fx_reader, fx_sub_id)])
	summary := summarise_roles(fx_sub) with data.posture.resources as resources
	summary.assigned == true
	{a.name | some a in summary.owners} == {"a", "c"}
	role_summary(fx_sub) == summary with data.posture.resources as resources
}

test_assigned_only_inside_the_subscription if {
	rg := concat("", [fx_sub_id, "/resourceGroups/rg"])
	in_rg := mk_index([mk_assignment("b", fx_reader, rg)])
	summarise_roles(fx_sub) == {"assigned": true, "owners": []} with data.posture.resources as in_rg
	elsewhere := mk_index([mk_assignment("c", fx_owner, "/subscriptions/00000000-0000-0000-0000-000000000002")])
	summarise_roles(fx_sub) == {"assigned": false, "owners": []} with data.posture.resources as elsewhere
	summarise_roles(fx_sub) == {"assigned": false, "owners": []} with data.posture.resources as {}
	not summarise_roles({"id": 7})
	not role_summary({"id": 7}) with data.posture.shared.subscription_roles as {"7": {"assigned": true, "owners": []}}
}

# posture's shared table, when there is one, is what role_summary gives.
test_the_shared_table_is_read_when_present if {
	shared := {lower(fx_sub_id): {"assigned": true, "owners": ["from the table"]}}
	role_summary(fx_sub) == {"assigned": true, "owners": ["from the table"]} with data.posture.shared.subscription_roles as shared
		with data.posture.resources as mk_index([])
}
