package posture.identity.mfa_owners

sub_id := "/subscriptions/00000000-0000-0000-0000-000000000001"

subscription := {"id": sub_id, "type": "Microsoft.Resources/subscriptions", "name": "prod", "properties": {"state": "Enabled"}}

owner_role := concat("", [sub_id, "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"])

mfa_key := "94290b00-4d0c-d7b4-7cea-064a9554e681"

params := {"assessment_keys": [mfa_key]}

owner(n, principal_type) := {
	"id": concat("", [sub_id, "/providers/Microsoft.Authorization/roleAssignments/", n]),
	"type": "Microsoft.Authorization/roleAssignments",
	"name": n,
	"properties": {"roleDefinitionId": owner_role, "principalId": concat("", ["p-", n]), "principalType": principal_type, "scope": sub_id},
}

assessment(code) := {
	"id": concat("", [sub_id, "/providers/Microsoft.Security/assessments/", mfa_key]),
	"type": "Microsoft.Security/assessments",
	"name": mfa_key,
	"properties": {
		"displayName": "MFA should be enabled on accounts with owner permissions on your subscription",
		"status": {"code": code},
		"resourceDetails": {"Source": "Azure", "Id": sub_id},
	},
}

index(list) := {lower(r.id): r | some r in list}

test_unhealthy_assessment_is_unhealthy if {
	findings := deny with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([subscription, owner("a", "User"), owner("b", "Group"), assessment("Unhealthy")])
	count(findings) == 1
	some f in findings
	contains(f.message, "2 Owner assignment(s)")
	contains(f.message, "94290b00-4d0c-d7b4-7cea-064a9554e681: unhealthy")
}

test_healthy_assessment_is_healthy if {
	count(deny) == 0 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([owner("a", "User"), assessment("Healthy")])
	count(applicable) == 1 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([owner("a", "User"), assessment("Healthy")])
}

test_absent_assessment_is_unhealthy if {
	findings := deny with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([owner("a", "User")])
	some f in findings
	contains(f.message, ": absent")
	no_code := object.remove(assessment("x"), ["properties"])
	count(deny) == 1 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([owner("a", "User"), no_code])
}

test_service_principal_owners_only_is_not_applicable if {
	resources := index([owner("a", "ServicePrincipal"), owner("b", "msi")])
	count(deny) == 0 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as resources
	count(applicable) == 0 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as resources
	count(applicable) == 0 with input as {"resources": [subscription], "parameters": params}
}

test_absent_principal_type_and_scope_count_as_people if {
	bare := {"id": owner("a", "User").id, "type": "Microsoft.Authorization/roleAssignments", "properties": {"roleDefinitionId": owner_role}}
	count(deny) == 1 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([bare])
}

test_other_scopes_and_roles_do_not_count if {
	rg := object.union(owner("a", "User"), {"properties": {"scope": concat("", [sub_id, "/resourceGroups/rg-app"])}})
	reader := object.union(owner("b", "User"), {"properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"}})
	count(applicable) == 0 with input as {"resources": [subscription], "parameters": params}
		with data.posture.resources as index([rg, reader])
}

test_case_variants if {
	odd := {"id": upper(sub_id), "type": "MICROSOFT.RESOURCES/SUBSCRIPTIONS"}
	a := object.union(owner("a", "user"), {"properties": {"scope": upper(sub_id), "roleDefinitionId": upper(owner_role)}})
	count(deny) == 0 with input as {"resources": [odd], "parameters": {"assessment_keys": [upper(mfa_key)]}}
		with data.posture.resources as index([a, assessment("HEALTHY")])
}

test_bad_keys_parameter_means_no_evidence if {
	count(deny) == 1 with input as {"resources": [subscription], "parameters": {"assessment_keys": mfa_key}}
		with data.posture.resources as index([owner("a", "User"), assessment("Healthy")])
	count(deny) == 0 with input as {"resources": [subscription], "parameters": {"assessment_keys": [7, mfa_key]}}
		with data.posture.resources as index([owner("a", "User"), assessment("Healthy")])
}
