package posture.machines.agent_health

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

fx_now := "2026-11-26T00:00:00Z"

mk_machine(collected) := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "agent": {"collectedAt": collected, "host": {"os": {"family": "linux"}}}}

mk_deny(r, params) := messages if {
	inp := {"resources": [r], "parameters": params, "now": fx_now}
	messages := {f.message | some f in deny} with input as inp
}

mk_unknown(r) := messages if {
	inp := {"resources": [r], "parameters": {"freshness_hours": 24}, "now": fx_now}
	messages := {f.message | some f in unknown} with input as inp
}

test_stale_snapshot_is_unhealthy if {
	mk_deny(mk_machine("2026-11-24T14:00:00Z"), {"freshness_hours": 24}) == {"the snapshot was collected 34 hours ago (collectedAt 2026-11-24T14:00:00Z, assessed at 2026-11-26T00:00:00Z): older than the 24-hour limit"}
	mk_deny(mk_machine("2026-11-20T23:00:00+01:00"), {"freshness_hours": 24}) == {"the snapshot was collected 5 days ago (collectedAt 2026-11-20T23:00:00+01:00, assessed at 2026-11-26T00:00:00Z): older than the 24-hour limit"}
}

test_fresh_snapshot_is_healthy if {
	r := mk_machine("2026-11-25T22:10:00Z")
	count(mk_deny(r, {"freshness_hours": 24})) == 0
	count(mk_unknown(r)) == 0
	inp := {"resources": [r], "parameters": {}, "now": fx_now}
	applicable == {fx_vm_id} with input as inp
}

test_limit_is_inclusive_and_a_parameter if {
	count(mk_deny(mk_machine("2026-11-25T00:00:00Z"), {"freshness_hours": 24})) == 0
	count(mk_deny(mk_machine("2026-11-24T23:59:59Z"), {"freshness_hours": 24})) == 1
	count(mk_deny(mk_machine("2026-11-25T00:00:00Z"), {"freshness_hours": "12"})) == 1
	count(mk_deny(mk_machine("2026-11-24T12:00:00Z"), {"freshness_hours": 48})) == 0
	count(mk_deny(mk_machine("2026-11-24T12:00:00Z"), {})) == 1
	count(mk_deny(mk_machine("2026-11-24T12:00:00Z"), {"freshness_hours": "a day"})) == 1
}

test_clock_skew_is_unhealthy if {
	mk_deny(mk_machine("2026-11-26T03:30:00Z"), {"freshness_hours": 24}) == {"collectedAt 2026-11-26T03:30:00Z is 3 hours ahead of the assessment time 2026-11-26T00:00:00Z: the machine's clock is skewed"}
	mk_deny(mk_machine("2026-11-26T01:30:00Z"), {}) == {"collectedAt 2026-11-26T01:30:00Z is 1 hour ahead of the assessment time 2026-11-26T00:00:00Z: the machine's clock is skewed"}
	count(mk_deny(mk_machine("2026-11-26T01:00:00Z"), {})) == 0
}

test_missing_or_malformed_collected_at_is_unknown if {
	mk_unknown(mk_machine("2026-02-30T00:00:00Z")) == {`collectedAt is "2026-02-30T00:00:00Z", not an RFC 3339 time: the snapshot's age is unknown`}
	mk_unknown(mk_machine(null)) == {"collectedAt is missing, not an RFC 3339 time: the snapshot's age is unknown"}
	mk_unknown(mk_machine(1764108600)) == {"collectedAt is 1764108600, not an RFC 3339 time: the snapshot's age is unknown"}
	no_field := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "agent": {}}
	mk_unknown(no_field) == {"collectedAt is missing, not an RFC 3339 time: the snapshot's age is unknown"}
	count(mk_deny(mk_machine("yesterday"), {})) == 0
}

test_malformed_assessment_time_is_unknown if {
	inp := {"resources": [mk_machine("2026-11-25T22:10:00Z")], "parameters": {}, "now": "now"}
	{f.message | some f in unknown} == {"the assessment time (input.now) is missing or malformed: the snapshot's age is unknown"} with input as inp
	count(deny) == 0 with input as inp
}

test_machines_without_agent_and_case_variants if {
	vm := {"id": fx_vm_id, "type": "microsoft.compute/VIRTUALMACHINES", "name": "vm1"}
	inp := {"resources": [vm], "parameters": {}, "now": fx_now}
	count(applicable) == 0 with input as inp
	count(deny) == 0 with input as inp
	count(unknown) == 0 with input as inp
	count(mk_deny(mk_machine("2026-11-20t00:00:00z"), {})) == 1
}
