package posture.machines.system_updates

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

mk_update(name, available, classification) := {"name": name, "installed": "1.0", "available": available, "classification": classification}

mk_machine(updates) := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "agent": {"collectedAt": "2026-11-25T22:10:00Z", "host": {"os": {"family": "linux"}}, "updates": updates}}

mk_ok(pending) := mk_machine({"status": "ok", "manager": "apt", "rebootRequired": false, "pending": pending})

mk_deny(r) := messages if {
	inp := {"resources": [r], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
	messages := {f.message | some f in deny} with input as inp
}

mk_unknown(r) := messages if {
	inp := {"resources": [r], "parameters": {}, "now": "2026-11-26T00:00:00Z"}
	messages := {f.message | some f in unknown} with input as inp
}

test_security_updates_are_unhealthy if {
	r := mk_ok([
		mk_update("tzdata", "2024b-0+deb12u1", "other"),
		mk_update("openssl", "3.0.15-1~deb12u1", "security"),
		mk_update("libc6", "2.36-9+deb12u9", "Critical"),
	])
	mk_deny(r) == {"2 security or critical updates pending (apt): libc6 2.36-9+deb12u9, openssl 3.0.15-1~deb12u1"}
	count(mk_unknown(r)) == 0
}

test_only_other_updates_is_healthy if {
	r := mk_ok([mk_update("tzdata", "2024b-0+deb12u1", "other")])
	count(mk_deny(r)) == 0
	count(mk_deny(mk_ok([]))) == 0
	count(mk_unknown(mk_ok([]))) == 0
	inp := {"resources": [r], "parameters": {}}
	applicable == {fx_vm_id} with input as inp
}

test_at_most_ten_names_then_how_many_more if {
	pending := [mk_update(sprintf("pkg%02d", [i]), "2.0", "security") | some i in numbers.range(1, 13)]
	mk_deny(mk_ok(pending)) == {"13 security or critical updates pending (apt): pkg01 2.0, pkg02 2.0, pkg03 2.0, pkg04 2.0, pkg05 2.0, pkg06 2.0, pkg07 2.0, pkg08 2.0, pkg09 2.0, pkg10 2.0 and 3 more"}
	ten := [mk_update(sprintf("pkg%02d", [i]), "2.0", "security") | some i in numbers.range(1, 10)]
	some m in mk_deny(mk_ok(ten))
	endswith(m, "pkg10 2.0")
}

test_windows_update_classifications_and_names if {
	r := mk_machine({"status": "ok", "manager": "windows-update", "rebootRequired": false, "pending": [
		{"name": "2026-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5046616)", "classification": "Security Updates"},
		{"name": "Windows Malicious Software Removal Tool x64 - v5.131 (KB890830)", "available": "KB890830", "classification": "CRITICAL UPDATES"},
		{"name": "Security Intelligence Update for Microsoft Defender Antivirus", "available": "", "classification": "Critical"},
		{"name": "Update for Microsoft Defender Antivirus antimalware platform (KB4052623)", "classification": "Definition Updates"},
	]})
	mk_deny(r) == {"3 security or critical updates pending (windows-update): 2026-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5046616), Security Intelligence Update for Microsoft Defender Antivirus, Windows Malicious Software Removal Tool x64 - v5.131 (KB890830)"}
}

test_one_update_without_manager if {
	r := mk_machine({"status": "ok", "pending": [mk_update("openssl", null, "security")]})
	mk_deny(r) == {"1 security or critical update pending: openssl"}
}

test_unknown_probe_or_missing_list if {
	mk_unknown(mk_machine({"status": "unknown", "reason": "apt-get is locked by another process", "pending": null})) == {"updates: apt-get is locked by another process"}
	mk_unknown(mk_machine({"status": "ok", "pending": null})) == {"updates.pending not reported"}
	mk_unknown(mk_machine(null)) == {"updates not collected"}
	count(mk_deny(mk_machine({"status": "unknown", "pending": [mk_update("openssl", "3", "security")]}))) == 0
}

test_unclassified_updates_are_unknown_beside_the_result if {
	r := mk_ok([mk_update("openssl", "3.0.15", "security"), mk_update("curl", "7.88", null), {"name": "zlib"}, "garbage"])
	mk_deny(r) == {"1 security or critical update pending (apt): openssl 3.0.15"}
	mk_unknown(r) == {"3 pending updates without a classification: curl 7.88, garbage, zlib"}
}

test_machines_without_agent_and_type_case if {
	vm := {"id": fx_vm_id, "type": "microsoft.compute/VIRTUALMACHINES"}
	inp := {"resources": [vm], "parameters": {}}
	count(applicable) == 0 with input as inp
	count(deny) == 0 with input as inp
	count(unknown) == 0 with input as inp
}
