package posture.machines.endpoint_protection_installed

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

fx_defender := {"name": "Microsoft Defender Antivirus", "amServiceEnabled": true, "antispywareEnabled": true, "realTimeProtection": true, "antivirusSignatureAgeDays": 0}

mk_machine(family, ep) := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "agent": {"collectedAt": "2026-11-25T22:10:00Z", "host": {"os": {"family": family}}, "endpointProtection": ep}}

mk_deny(r) := messages if {
	inp := {"resources": [r], "parameters": {}}
	messages := {f.message | some f in deny} with input as inp
}

mk_unknown(r) := messages if {
	inp := {"resources": [r], "parameters": {}}
	messages := {f.message | some f in unknown} with input as inp
}

test_no_product_is_unhealthy if {
	r := mk_machine("linux", {"status": "ok", "products": []})
	mk_deny(r) == {"no endpoint protection product is installed"}
	count(mk_unknown(r)) == 0
}

test_installed_product_is_healthy if {
	linux := mk_machine("linux", {"status": "ok", "products": [{"name": "ClamAV", "enabled": true, "realTimeProtection": false}]})
	count(mk_deny(linux)) == 0
	count(mk_unknown(linux)) == 0
	count(mk_deny(mk_machine("windows", {"status": "ok", "products": [fx_defender]}))) == 0
	inp := {"resources": [linux], "parameters": {}}
	applicable == {fx_vm_id} with input as inp
}

test_defender_with_stopped_service_counts_as_none if {
	off := object.union(fx_defender, {"amServiceEnabled": "False"})
	mk_deny(mk_machine("windows", {"status": "ok", "products": [off]})) == {"no active endpoint protection: Microsoft Defender Antivirus has amServiceEnabled False"}
	count(mk_deny(mk_machine("windows", {"status": "ok", "products": [off, {"name": "Trend Micro Deep Security Agent", "realTimeProtection": true}]}))) == 0
}

test_disabled_and_unreadable_products_do_not_count if {
	mk_deny(mk_machine("linux", {"status": "ok", "products": [{"name": "ClamAV", "enabled": false}, {"enabled": "disabled"}, "sophos"]})) == {"no active endpoint protection: ClamAV has enabled false; unnamed product has enabled disabled; unreadable product entry sophos"}
}

test_unknown_probe_or_product_list if {
	mk_unknown(mk_machine("linux", {"status": "unknown", "reason": "no supported product found in PATH", "products": null})) == {"endpointProtection: no supported product found in PATH"}
	mk_unknown(mk_machine("linux", {"status": "ok", "products": null})) == {"endpointProtection.products not reported"}
	mk_unknown(mk_machine("linux", {"status": "ok"})) == {"endpointProtection.products not reported"}
	mk_unknown(mk_machine("linux", null)) == {"endpointProtection not collected"}
	count(mk_deny(mk_machine("linux", {"status": "unknown", "products": []}))) == 0
}

test_bare_product_list_and_type_case if {
	r := {"id": "/providers/Microsoft.HybridCompute/machines/db-01", "type": "microsoft.hybridcompute/MACHINES", "agent": {"endpointProtection": [fx_defender]}}
	count(mk_deny(r)) == 0
	count(mk_unknown(r)) == 0
	vm := {"id": fx_vm_id, "type": "microsoft.compute/VIRTUALMACHINES"}
	inp := {"resources": [vm], "parameters": {}}
	count(applicable) == 0 with input as inp
	count(deny) == 0 with input as inp
	count(unknown) == 0 with input as inp
}
