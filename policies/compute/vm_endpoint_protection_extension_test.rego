package posture.compute.vm_endpoint_protection_extension

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-win-01"

fx_params := {"extensions": ["IaaSAntimalware", "MDE.Windows", "MDE.Linux", "TrendMicroDSA", "TrendMicroDSALinux", "SymantecEndpointProtection", "SCWPAgentForWindows", "SCWPAgentForLinux", "McAfeeEndpointSecurity"]}

fx_vm := {
	"id": fx_vm_id,
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm-win-01",
	"location": "westeurope",
	"properties": {"storageProfile": {"osDisk": {"osType": "Windows"}}},
}

mk_ext(name, type, state) := {
	"id": concat("/", [fx_vm_id, "extensions", name]),
	"type": "Microsoft.Compute/virtualMachines/extensions",
	"name": name,
	"properties": {"type": type, "provisioningState": state},
}

mk_check(vm, exts, params) := deny if {
	deny := data.posture.compute.vm_endpoint_protection_extension.deny with input as {"resources": [vm], "parameters": params} with data.posture.resources as {lower(e.id): e | some e in exts}
}

test_vm_without_protection_is_unhealthy if {
	findings := mk_check(fx_vm, [mk_ext("AzureMonitorWindowsAgent", "AzureMonitorWindowsAgent", "Succeeded")], fx_params)
	count(findings) == 1
	some f in findings
	f.message == "no endpoint protection extension among the VM's extensions AzureMonitorWindowsAgent"
}

test_antimalware_extension_is_healthy if {
	count(mk_check(fx_vm, [mk_ext("IaaSAntimalware", "IaaSAntimalware", "Succeeded")], fx_params)) == 0
}

test_mde_and_third_party_are_healthy if {
	count(mk_check(fx_vm, [mk_ext("MDE.Windows", "MDE.Windows", "Succeeded")], fx_params)) == 0
	count(mk_check(fx_vm, [mk_ext("DeepSecurity", "TrendMicroDSA", "Succeeded")], fx_params)) == 0
}

test_no_extensions_at_all_is_unhealthy if {
	findings := mk_check(fx_vm, [], fx_params)
	some f in findings
	f.message == "no endpoint protection: the VM has no extensions in the inventory"
	count(mk_check({"id": fx_vm_id}, [], fx_params)) == 1
}

test_failed_extension_does_not_count if {
	findings := mk_check(fx_vm, [mk_ext("MDE.Windows", "MDE.Windows", "Failed")], fx_params)
	some f in findings
	contains(f.message, "MDE.Windows (failed)")
}

test_inline_and_case_variants if {
	inline := object.union(fx_vm, {"resources": [{"name": "vm-win-01/antimalware", "properties": {"type": "IAASANTIMALWARE"}}]})
	count(mk_check(inline, [], fx_params)) == 0
	flat := {"id": concat("/", [upper(fx_vm_id), "EXTENSIONS", "mde"]), "type": "microsoft.compute/virtualmachines/EXTENSIONS", "name": "mde", "typePropertiesType": "mde.linux"}
	count(mk_check(fx_vm, [flat], fx_params)) == 0
}

test_parameter_extends_the_accepted_products if {
	ext := mk_ext("CrowdStrikeFalcon", "FalconSensorWindows", "Succeeded")
	count(mk_check(fx_vm, [ext], fx_params)) == 1
	count(mk_check(fx_vm, [ext], {"extensions": ["FalconSensorWindows"]})) == 0
	count(mk_check(fx_vm, [ext], {"extensions": null})) == 1
}
