package posture.machines.agent_installed

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

fx_vm := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "properties": {"storageProfile": {"osDisk": {"osType": "Linux"}}}}

fx_snapshot := {"collectedAt": "2026-11-25T22:10:00Z", "host": {"hostname": "vm1", "os": {"family": "linux"}, "resourceId": fx_vm_id}}

mk_check(resources) := findings if {
	inp := {"resources": resources, "parameters": {}, "now": "2026-11-26T00:00:00Z"}
	findings := deny with input as inp
}

test_vm_without_snapshot_is_unhealthy if {
	findings := mk_check([fx_vm])
	count(findings) == 1
	some f in findings
	f.resource == fx_vm_id
	f.message == "no agent snapshot names this virtual machine in host.resourceId: its updates, endpoint protection and OS configuration are not assessed"
}

test_vm_with_snapshot_is_healthy if {
	count(mk_check([object.union(fx_vm, {"agent": fx_snapshot})])) == 0
}

test_null_or_broken_agent_counts_as_missing if {
	count(mk_check([object.union(fx_vm, {"agent": null})])) == 1
	count(mk_check([object.union(fx_vm, {"agent": "web-01.json"})])) == 1
}

test_hybrid_machines_are_always_healthy if {
	hybrid := {"id": "/providers/Microsoft.HybridCompute/machines/db-01", "type": "Microsoft.HybridCompute/machines", "name": "db-01", "properties": {"osType": "linux"}, "agent": fx_snapshot}
	count(mk_check([hybrid])) == 0
	count(mk_check([object.remove(hybrid, ["agent"])])) == 0
}

test_type_case_variants if {
	vm := object.union(fx_vm, {"type": "microsoft.compute/VIRTUALMACHINES"})
	count(mk_check([vm])) == 1
	count(mk_check([vm, object.union(fx_vm, {"id": upper(fx_vm_id), "agent": fx_snapshot})])) == 1
}
