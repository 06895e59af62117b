package posture.lib.agent

fx_vm := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm1",
	"properties": {"storageProfile": {"osDisk": {"osType": "Linux"}}},
}

mk_with_agent(r, snapshot) := object.union(r, {"agent": snapshot})

test_has_agent_and_vm_type if {
	has_agent(mk_with_agent(fx_vm, {"collectedAt": "2026-11-25T22:10:00Z"}))
	not has_agent(fx_vm)
	not has_agent(mk_with_agent(fx_vm, null))
	is_vm(fx_vm)
	is_vm({"type": "microsoft.compute/VIRTUALMACHINES"})
	not is_vm({"type": "Microsoft.HybridCompute/machines"})
}

test_family_from_snapshot_then_resource if {
	family(mk_with_agent(fx_vm, {"host": {"os": {"family": "Windows"}}})) == "windows"
	family(fx_vm) == "linux"
	family(mk_with_agent(fx_vm, {"host": {"os": {"family": ""}}})) == "linux"
	family({"type": "Microsoft.HybridCompute/machines", "properties": {"osType": "WINDOWS"}}) == "windows"
	family({"type": "Microsoft.HybridCompute/machines"}) == ""
}

test_unavailable_reasons if {
	unavailable(null, "updates") == "updates not collected"
	unavailable("broken", "updates") == "updates is not readable"
	unavailable({"status": "unknown", "reason": "apt is locked"}, "updates") == "updates: apt is locked"
	unavailable({"status": "Unknown"}, "updates") == "updates: status is Unknown"
	unavailable({"status": "unknown", "reason": ""}, "updates") == "updates: status is unknown"
	not unavailable({"status": "OK", "pending": []}, "updates")
	not unavailable({"pending": []}, "updates")
	not unavailable([], "updates")
	usable({"status": "ok"})
	not usable({"status": "unknown"})
}

test_section_reads_a_path_of_the_snapshot if {
	r := mk_with_agent(fx_vm, {"baseline": {"sshd": {"status": "ok"}}})
	section(r, ["baseline", "sshd"]) == {"status": "ok"}
	section(r, ["baseline", "sysctl"]) == null
	section(r, ["updates"]) == null
	not section(fx_vm, ["updates"])
}

test_get_ci_compares_keys_case_insensitively if {
	get_ci({"PASS_MAX_DAYS": "90"}, "PASS_MAX_DAYS") == "90"
	get_ci({"pass_max_days": "90"}, "PASS_MAX_DAYS") == "90"
	not get_ci({"x": null}, "x")
	get_ci({"x": null, "X": 2}, "x") == 2
	not get_ci({"y": 1}, "x")
	not get_ci(null, "x")
	not get_ci([1], "x")
}

test_entries_of_a_section if {
	entries([1, 2], "entries") == [1, 2]
	entries({"status": "ok", "entries": [3]}, "entries") == [3]
	entries({"status": "ok", "entries": null}, "entries") == []
	entries(null, "entries") == []
}

test_num_accepts_numbers_and_decimal_strings if {
	num(7) == 7
	num("7") == 7
	num(" 0022 ") == 22
	num("0") == 0
	num("-1") == -1
	num("99999") == 99999
	not num("0x1")
	not num("yes")
	not num("")
	not num(null)
	not num(true)
}

test_octal_modes if {
	octal("0640") == 416
	octal("640") == 416
	octal("027") == 23
	octal("7") == 7
	octal(644) == 420
	not octal("0800")
	not octal("rw-r--r--")
	not octal("01777 ")
	octal(" 1777") == 1023
	not octal(-1)
	not octal(6.4)
	not octal(null)
}

test_mode_within if {
	mode_within("0400", "0400")
	mode_within("0000", "0400")
	mode_within("0600", "0644")
	not mode_within("0640", "0400")
	not mode_within("0660", "0644")
	not mode_within("4644", "0644")
	not mode_within(null, "0644")
}

test_valid_time_checks_shape_and_calendar if {
	valid_time("2026-11-25T22:10:00Z")
	valid_time("2026-11-25t22:10:00.123456789+05:30")
	valid_time("2024-02-29T00:00:00Z")
	valid_time("2000-02-29T00:00:00Z")
	not valid_time("2026-02-29T00:00:00Z")
	not valid_time("1900-02-29T00:00:00Z")
	not valid_time("2100-02-29T00:00:00Z")
	not valid_time("2026-02-30T00:00:00Z")
	not valid_time("2026-04-31T00:00:00Z")
	not valid_time("2026-11-25 22:10:00Z")
	not valid_time("2026-11-25T24:00:00Z")
	not valid_time("2026-11-25T22:10:00")
	not valid_time("1969-12-31T23:59:59Z")
	not valid_time("yesterday")
	not valid_time(1764108600)
	not valid_time(null)
}

test_time_ns_and_now if {
	time_ns("1970-01-01T00:00:01Z") == 1000000000
	not time_ns("2026-02-30T00:00:00Z")
	now_ns == 86400000000000 with input as {"now": "1970-01-02T00:00:00Z"}
	not now_ns with input as {"now": "tomorrow"}
	not now_ns with input as {}
}

test_days_and_units if {
	days(day_ns) == "1 day"
	days((3 * day_ns) + hour_ns) == "3 days"
	days(hour_ns) == "0 days"
	hour_ns * 24 == day_ns
}

test_param_with_fallback if {
	param("max", 7) == 14 with input as {"parameters": {"max": 14}}
	param("max", 7) == 14 with input as {"parameters": {"max": "14"}}
	param("max", 7) == 7 with input as {"parameters": {"max": "fourteen"}}
	param("max", 7) == 7 with input as {"parameters": {}}
	param("max", 7) == 7 with input as {}
}

fx_registry := [
	{"path": `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "name": "UseLogonCredential", "value": 1, "type": "REG_DWORD"},
	{"path": `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\`, "name": "smb1", "value": "0", "type": "REG_DWORD"},
	{"path": `hklm\system\currentcontrolset\control\lsa`, "name": "LmCompatibilityLevel", "value": null},
	"not an entry",
]

test_registry_value_matches_path_and_name_case_insensitively if {
	registry_value(fx_registry, `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential") == 1
	registry_value(fx_registry, `hklm\SYSTEM\currentcontrolset\control\securityproviders\wdigest`, "uselogoncredential") == 1
	registry_value(fx_registry, `HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1") == "0"
	registry_value(fx_registry, `HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "LmCompatibilityLevel") == null
	not registry_value(fx_registry, `HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "NoLMHash")
}

# The index answers as registry_value does: the same value for each path and name
# spelling, nothing for a missing name, the first of two entries with the same path.
test_registry_lookup_answers_as_registry_value if {
	index := registry_index(fx_registry)
	cases := [
		[`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential"],
		[`hklm\SYSTEM\currentcontrolset\control\securityproviders\wdigest`, "uselogoncredential"],
		[`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1"],
		[`HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "LmCompatibilityLevel"],
	]
	every c in cases {
		registry_lookup(index, registry_path(c[0]), lower(c[1])) == registry_value(fx_registry, c[0], c[1])
	}
	registry_lookup(index, registry_path(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`), "smb1") == "0"
	not registry_lookup(index, registry_path(`HKLM\SYSTEM\CurrentControlSet\Control\Lsa`), "nolmhash")
	twice := [{"path": `HKLM\Software\X`, "name": "A", "value": 1}, {"path": `hkey_local_machine\software\x\`, "name": "a", "value": 2}]
	registry_lookup(registry_index(twice), registry_path(`HKLM\Software\X`), "a") == 1
	registry_value(twice, `HKLM\Software\X`, "A") == 1
	registry_index({"status": "unknown"}) == []
}

test_registry_section_shapes if {
	registry_value({"status": "ok", "values": fx_registry}, `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential") == 1
	registry_value({"status": "ok", "entries": fx_registry}, `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential") == 1
	not registry_value({"status": "unknown"}, `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential")
	r := mk_with_agent(fx_vm, {"baseline": {"registry": fx_registry}})
	registry(r) == fx_registry
}
