package posture.alerts.intel_malicious_file

fx_now := "2026-11-25T22:10:00Z"

fx_hash := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

fx_intel := {"indicators": [{"type": "file:hashes.SHA-256", "value": fx_hash, "description": "XMRig dropper", "severity": null, "source": "feed.json#indicator--f"}]}

fx_inp(procs) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_now, "processes": {"running": procs}}, "history": []}], "parameters": {}, "now": fx_now}

test_a_listed_hash_fires if {
	out := alerts with input as fx_inp([{"pid": 4242, "user": "www-data", "exe": "/tmp/.x/kswapd0", "commandLine": "kswapd0", "sha256": fx_hash}]) with data.posture.intel as fx_intel
	count(out) == 1
	some a in out
	a.message == sprintf("/tmp/.x/kswapd0 (SHA-256 %s) is a known malicious file: XMRig dropper", [fx_hash])
	a.entities.account == "www-data"
}

test_other_hashes_are_quiet if {
	count(alerts) == 0 with input as fx_inp([{"pid": 1, "exe": "/usr/sbin/sshd", "sha256": "00"}]) with data.posture.intel as fx_intel
}

test_no_hash_or_no_intel_is_quiet if {
	count(alerts) == 0 with input as fx_inp([{"pid": 1, "exe": "/tmp/x", "sha256": null}]) with data.posture.intel as fx_intel
	count(alerts) == 0 with input as fx_inp([{"pid": 1, "exe": "/tmp/x", "sha256": fx_hash}])
	count(alerts) == 0 with input as fx_inp(null) with data.posture.intel as fx_intel
}

test_case_variants if {
	count(alerts) == 1 with input as fx_inp([{"pid": 1, "exe": "/tmp/x", "sha256": upper(fx_hash)}]) with data.posture.intel as fx_intel
}
