package posture.alerts.hidden_file_execution

fx_now := "2026-11-25T22:10:00Z"

fx_proc(exe) := {"pid": 77, "user": "www-data", "exe": exe, "commandLine": "x"}

fx_inp(procs) := {"machines": [{"id": "/m/web-01", "hostname": "web-01", "snapshot": {"collectedAt": fx_now, "host": {"os": {"family": "linux"}}, "processes": {"status": "ok", "running": procs}}, "history": []}], "parameters": {"allowed": ["/.vscode-server/", "/.cargo/"]}, "now": fx_now}

test_hidden_files_folders_and_temporary_folders_fire if {
	{a.message | some a in alerts} == {"process 77 runs /tmp/kswapd0 (from a temporary folder anyone may write to) as www-data"} with input as fx_inp([fx_proc("/tmp/kswapd0")])
	{a.message | some a in alerts} == {"process 77 runs /home/bob/.x (a hidden file) as www-data"} with input as fx_inp([fx_proc("/home/bob/.x")])
	{a.message | some a in alerts} == {"process 77 runs /var/lib/.cache/agent (from a hidden folder) as www-data"} with input as fx_inp([fx_proc("/var/lib/.cache/agent")])
	count(alerts) == 1 with input as fx_inp([fx_proc("/dev/shm/.s (deleted)")])
}

test_ordinary_and_allowed_programs_are_quiet if {
	count(alerts) == 0 with input as fx_inp([fx_proc("/usr/sbin/sshd"), fx_proc("/home/dev/.vscode-server/bin/abc/node"), fx_proc("/home/dev/.cargo/bin/cargo"), fx_proc("/opt/tmp/app")])
}

test_unknown_executables_are_quiet if {
	count(alerts) == 0 with input as fx_inp([{"pid": 1, "exe": null, "commandLine": "/tmp/x"}])
	count(alerts) == 0 with input as fx_inp(null)
	count(alerts) == 0 with input as {"machines": [{"id": "/m/x"}], "parameters": {}, "now": fx_now}
}

test_case_variants if {
	count(alerts) == 0 with input as fx_inp([fx_proc("/home/dev/.VSCode-Server/bin/node")])
	# Windows paths are another matter; the OS family is compared in any case
	windows := {"machines": [{"id": "/m/w", "snapshot": {"collectedAt": fx_now, "host": {"os": {"family": "WINDOWS"}}, "processes": {"running": [fx_proc("/tmp/x")]}}}], "parameters": {}, "now": fx_now}
	count(alerts) == 0 with input as windows
}
