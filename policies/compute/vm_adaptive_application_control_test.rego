package posture.compute.vm_adaptive_application_control

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-app-01"

fx_vm := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm-app-01", "properties": {}}

mk_group(name, props, entries) := {
	"id": concat("/", ["/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Security/locations/westeurope/applicationWhitelistings", name]),
	"type": "Microsoft.Security/locations/applicationWhitelistings",
	"name": name,
	"location": "westeurope",
	"properties": object.union(props, {"vmRecommendations": entries}),
}

mk_entry(extra) := object.union({"resourceId": fx_vm_id, "recommendationAction": "Recommended", "enforcementSupport": "Supported"}, extra)

mk_result(groups) := {"deny": d, "applicable": a} if {
	inv := {lower(g.id): g | some g in groups}
	d := data.posture.compute.vm_adaptive_application_control.deny with input as {"resources": [fx_vm], "parameters": {}} with data.posture.resources as inv
	a := data.posture.compute.vm_adaptive_application_control.applicable with input as {"resources": [fx_vm], "parameters": {}} with data.posture.resources as inv
}

test_vm_in_no_group_is_unhealthy if {
	r := mk_result([])
	count(r.applicable) == 1
	{f.message | some f in r.deny} == {"the VM is in no adaptive application control group"}
}

test_vm_in_configured_audit_group_is_healthy if {
	r := mk_result([mk_group("GROUP1", {"enforcementMode": "Audit", "configurationStatus": "Configured"}, [mk_entry({"configurationStatus": "Configured"})])])
	count(r.deny) == 0
	count(r.applicable) == 1
}

test_enforce_mode_from_the_entry_is_healthy if {
	r := mk_result([mk_group("GROUP2", {}, [mk_entry({"configurationStatus": "Configured", "enforcementMode": "Enforce"})])])
	count(r.deny) == 0
}

test_group_not_configured_is_unhealthy if {
	r := mk_result([mk_group("GROUP3", {"enforcementMode": "None", "configurationStatus": "NotConfigured", "recommendationStatus": "Recommended"}, [mk_entry({})])])
	{f.message | some f in r.deny} == {"adaptive application control is not in force: group GROUP3 has configurationStatus NotConfigured and enforcementMode None"}
}

test_missing_status_and_mode if {
	r := mk_result([mk_group("GROUP4", {}, [mk_entry({})])])
	some f in r.deny
	contains(f.message, "configurationStatus absent and enforcementMode absent")
	s := mk_result([mk_group("GROUP5", {"enforcementMode": "Audit"}, [{"resourceId": 42}])])
	count(s.deny) == 1
}

test_unsupported_vm_is_not_applicable if {
	r := mk_result([mk_group("GROUP6", {"enforcementMode": "None"}, [mk_entry({"enforcementSupport": "NotSupported"})])])
	count(r.applicable) == 0
	count(r.deny) == 0
}

test_case_variants if {
	group := object.union(
		mk_group("GROUP7", {"enforcementMode": "AUDIT", "configurationStatus": "configured"}, [mk_entry({"resourceId": upper(fx_vm_id)})]),
		{"type": "microsoft.security/locations/APPLICATIONWHITELISTINGS"},
	)
	r := mk_result([group])
	count(r.deny) == 0
}
