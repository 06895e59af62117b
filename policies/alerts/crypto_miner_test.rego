package posture.alerts.crypto_miner

import data.posture.alerts.crypto_miner

fx_now := "2026-11-25T22:10:00Z"

fx_proc(exe, cmd) := {"pid": 4242, "ppid": 1, "name": "x", "user": "www-data", "exe": exe, "commandLine": cmd, "sha256": null}

fx_params := {
	"names": ["xmrig", "kinsing"],
	"pool_patterns": [`stratum\d*\+(tcp|ssl|tls)://`, `\b(supportxmr|minexmr)\.(com|net)\b`],
}

fx_inp(procs, events) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_now, "processes": {"status": "ok", "running": procs}, "events": {"windows": events}}, "history": []}], "parameters": fx_params, "now": fx_now}

test_a_miner_by_name_or_pool_fires if {
	out := alerts with input as fx_inp([fx_proc("/tmp/.x/xmrig", "/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4A")], [])
	count(out) == 1
	some a in out
	a.start == fx_now
	a.message == "/tmp/.x/xmrig (process) looks like a cryptocurrency miner: it is named xmrig; its command line has stratum+tcp://; its command line has supportxmr.com"
	renamed := fx_proc("/usr/bin/kworker", "kworker --url stratum+ssl://10.0.0.9:443")
	count(alerts) == 1 with input as fx_inp([renamed], [])
	started := {"time": "2026-11-25T21:00:00Z", "eventId": 4688, "account": "SQL-01\\svc", "data": {"NewProcessName": "C:\\Users\\Public\\xmrig.exe", "CommandLine": "xmrig.exe"}}
	out2 := alerts with input as fx_inp([], [started])
	count(out2) == 1
	some b in out2
	b.start == "2026-11-25T21:00:00Z"
}

test_ordinary_processes_are_quiet if {
	count(alerts) == 0 with input as fx_inp([fx_proc("/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D"), fx_proc("/usr/bin/python3", "python3 /opt/app/xmrig_report.py")], [])
}

test_missing_processes_are_quiet if {
	count(alerts) == 0 with input as fx_inp(null, null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": fx_params, "now": fx_now}
	# an invalid pattern is skipped, not an error
	inp := object.union(fx_inp([fx_proc("/usr/bin/x", "x")], []), {"parameters": {"names": [], "pool_patterns": ["(unclosed"]}})
	count(alerts) == 0 with input as inp
}

test_case_variants if {
	count(alerts) == 1 with input as fx_inp([fx_proc("/opt/XMRig", "XMRig")], [])
	count(alerts) == 1 with input as fx_inp([fx_proc(null, "./miner -o STRATUM+TCP://1.2.3.4:3333")], [])
}
