package posture.machines.reboot_pending

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

mk_machine(updates) := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "agent": {"collectedAt": "2026-11-25T22:10:00Z", "host": {"os": {"family": "linux"}}, "updates": updates}}

mk_deny(r) := messages if {
	inp := {"resources": [r], "parameters": {}}
	messages := {f.message | some f in deny} with input as inp
}

mk_unknown(r) := messages if {
	inp := {"resources": [r], "parameters": {}}
	messages := {f.message | some f in unknown} with input as inp
}

test_pending_reboot_is_unhealthy if {
	r := mk_machine({"status": "ok", "rebootRequired": true, "rebootPackages": ["linux-image-6.1.0-27-cloud-amd64", "libc6"], "pending": []})
	mk_deny(r) == {"a restart is pending to finish installing updates (requested by libc6, linux-image-6.1.0-27-cloud-amd64)"}
	count(mk_unknown(r)) == 0
}

test_no_pending_reboot_is_healthy if {
	r := mk_machine({"status": "ok", "rebootRequired": false, "pending": []})
	count(mk_deny(r)) == 0
	count(mk_unknown(r)) == 0
	inp := {"resources": [r], "parameters": {}}
	applicable == {fx_vm_id} with input as inp
}

test_string_values_and_no_package_list if {
	mk_deny(mk_machine({"status": "OK", "rebootRequired": "True"})) == {"a restart is pending to finish installing updates"}
	mk_deny(mk_machine({"status": "ok", "rebootRequired": true, "rebootPackages": []})) == {"a restart is pending to finish installing updates"}
	count(mk_deny(mk_machine({"status": "ok", "rebootRequired": "false"}))) == 0
}

test_unknown_when_not_reported if {
	mk_unknown(mk_machine({"status": "ok", "rebootRequired": null})) == {"updates.rebootRequired is null, not true or false"}
	mk_unknown(mk_machine({"status": "ok"})) == {"updates.rebootRequired is null, not true or false"}
	mk_unknown(mk_machine({"status": "ok", "rebootRequired": "maybe"})) == {"updates.rebootRequired is maybe, not true or false"}
	mk_unknown(mk_machine([])) == {"updates.rebootRequired is null, not true or false"}
	mk_unknown(mk_machine({"status": "unknown", "reason": "no package manager found", "rebootRequired": true})) == {"updates: no package manager found"}
	count(mk_deny(mk_machine({"status": "unknown", "rebootRequired": true}))) == 0
}

test_machines_without_agent_and_type_case if {
	vm := {"id": fx_vm_id, "type": "MICROSOFT.COMPUTE/virtualmachines"}
	inp := {"resources": [vm], "parameters": {}}
	count(applicable) == 0 with input as inp
	count(deny) == 0 with input as inp
	count(unknown) == 0 with input as inp
}
