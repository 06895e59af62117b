package posture.machines.endpoint_protection_health

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

fx_now := "2026-11-26T00:00:00Z"

fx_defender := {
	"name": "Microsoft Defender Antivirus",
	"amServiceEnabled": true,
	"antispywareEnabled": true,
	"realTimeProtection": true,
	"behaviorMonitorEnabled": true,
	"ioavProtectionEnabled": true,
	"onAccessProtectionEnabled": true,
	"antivirusSignatureAgeDays": 0,
	"antispywareSignatureAgeDays": 0,
	"signatureUpdatedAt": "2026-11-25T04:00:00Z",
}

fx_clamav := {"name": "ClamAV", "vendor": "Cisco", "enabled": true, "realTimeProtection": true, "signatureUpdatedAt": "2026-11-25T03:00:00Z", "lastScanAt": null}

mk_machine(family, products) := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "agent": {"collectedAt": "2026-11-25T22:10:00Z", "host": {"os": {"family": family}}, "endpointProtection": {"status": "ok", "products": products}}}

mk_deny(r, params) := messages if {
	inp := {"resources": [r], "parameters": params, "now": fx_now}
	messages := {f.message | some f in deny} with input as inp
}

mk_unknown(r) := messages if {
	inp := {"resources": [r], "parameters": {"max_signature_age_days": 7}, "now": fx_now}
	messages := {f.message | some f in unknown} with input as inp
}

test_real_time_protection_off_is_unhealthy if {
	r := mk_machine("linux", [object.union(fx_clamav, {"realTimeProtection": false})])
	mk_deny(r, {}) == {"ClamAV: real-time protection off"}
	count(mk_unknown(r)) == 0
}

test_healthy_products if {
	linux := mk_machine("linux", [fx_clamav])
	count(mk_deny(linux, {"max_signature_age_days": 7})) == 0
	count(mk_unknown(linux)) == 0
	windows := mk_machine("windows", [fx_defender])
	count(mk_deny(windows, {})) == 0
	count(mk_unknown(windows)) == 0
	inp := {"resources": [linux], "parameters": {}}
	applicable == {fx_vm_id} with input as inp
}

test_stale_signatures_by_date_or_age if {
	old := mk_machine("linux", [object.union(fx_clamav, {"signatureUpdatedAt": "2026-11-19T00:00:00Z"})])
	mk_deny(old, {}) == {"ClamAV: signatures last updated 2026-11-19T00:00:00Z, 7 days ago (limit 7 days)"}
	count(mk_deny(mk_machine("linux", [object.union(fx_clamav, {"signatureUpdatedAt": "2026-11-19T00:00:01Z"})]), {})) == 0
	count(mk_deny(old, {"max_signature_age_days": "8"})) == 0
	aged := mk_machine("windows", [object.union(fx_defender, {"antivirusSignatureAgeDays": "9", "antispywareSignatureAgeDays": 7, "signatureUpdatedAt": null})])
	mk_deny(aged, {"max_signature_age_days": 7}) == {"Microsoft Defender Antivirus: antispyware signatures 7 days old (limit 7 days), antivirus signatures 9 days old (limit 7 days)"}
	count(mk_deny(aged, {"max_signature_age_days": 10})) == 0
}

test_update_time_wins_over_day_counts if {
	counted := object.union(fx_defender, {"antivirusSignatureAgeDays": 9, "antispywareSignatureAgeDays": 9})
	count(mk_deny(mk_machine("windows", [counted]), {})) == 0
	dated := object.union(fx_defender, {"antivirusSignatureAgeDays": 1, "signatureUpdatedAt": "2026-11-10T00:00:00Z"})
	mk_deny(mk_machine("windows", [dated]), {}) == {"Microsoft Defender Antivirus: signatures last updated 2026-11-10T00:00:00Z, 16 days ago (limit 7 days)"}
}

test_windows_defender_flags if {
	r := mk_machine("Windows", [object.union(fx_defender, {"behaviorMonitorEnabled": "False", "ioavProtectionEnabled": false, "amServiceEnabled": false})])
	mk_deny(r, {}) == {"Microsoft Defender Antivirus: amServiceEnabled false, behaviorMonitorEnabled false, ioavProtectionEnabled false"}
	linux := mk_machine("linux", [object.union(fx_clamav, {"amServiceEnabled": false, "onAccessProtectionEnabled": null})])
	count(mk_deny(linux, {})) == 0
	count(mk_unknown(linux)) == 0
}

test_several_products_in_one_finding if {
	r := mk_machine("windows", [
		object.union(fx_defender, {"realTimeProtection": "false", "antivirusSignatureAgeDays": 12, "signatureUpdatedAt": null}),
		{"name": "Trend Micro Deep Security Agent", "realTimeProtection": false, "signatureUpdatedAt": "2026-11-25T00:00:00Z"},
	])
	mk_deny(r, {}) == {"Microsoft Defender Antivirus: antivirus signatures 12 days old (limit 7 days), real-time protection off; Trend Micro Deep Security Agent: real-time protection off"}
}

test_missing_values_are_unknown if {
	r := mk_machine("windows", [{"name": "Microsoft Defender Antivirus", "amServiceEnabled": true, "onAccessProtectionEnabled": null, "realTimeProtection": null, "signatureUpdatedAt": "2026-11-31T00:00:00Z"}, "broken"])
	mk_unknown(r) == {"Microsoft Defender Antivirus: onAccessProtectionEnabled not reported, real-time protection not reported, signature age not reported"}
	count(mk_deny(r, {})) == 0
	linux := mk_machine("linux", [{"realTimeProtection": false}])
	mk_deny(linux, {}) == {"unnamed product: real-time protection off"}
	mk_unknown(linux) == {"unnamed product: signature age not reported"}
}

test_probe_unknown_or_no_products if {
	unread := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "agent": {"endpointProtection": {"status": "unknown", "reason": "mdatp health needs root"}}}
	mk_unknown(unread) == {"endpointProtection: mdatp health needs root"}
	mk_unknown(mk_machine("linux", null)) == {"endpointProtection.products not reported"}
	mk_unknown(mk_machine("linux", [])) == {"no endpoint protection product to assess (see machine-endpoint-protection-installed)"}
	count(mk_deny(mk_machine("linux", []), {})) == 0
}

test_malformed_assessment_time_leaves_only_day_counts if {
	r := mk_machine("linux", [fx_clamav])
	inp := {"resources": [r], "parameters": {}, "now": "soon"}
	{f.message | some f in unknown} == {"ClamAV: signature age not reported"} with input as inp
}

test_bare_product_list_and_type_case if {
	r := {"id": "/providers/Microsoft.HybridCompute/machines/db-01", "type": "microsoft.hybridcompute/MACHINES", "agent": {"host": {"os": {"family": "WINDOWS"}}, "endpointProtection": [object.union(fx_defender, {"onAccessProtectionEnabled": "FALSE"})]}}
	mk_deny(r, {}) == {"Microsoft Defender Antivirus: onAccessProtectionEnabled false"}
	vm := {"id": fx_vm_id, "type": "microsoft.compute/VIRTUALMACHINES"}
	inp := {"resources": [vm], "parameters": {}}
	count(applicable) == 0 with input as inp
	count(deny) == 0 with input as inp
	count(unknown) == 0 with input as inp
}
