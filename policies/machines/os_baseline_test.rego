package posture.machines.os_baseline

import data.posture.lib.agent

fx_vm_id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

fx_linux := {
	"collectedAt": "2026-11-25T22:10:00Z",
	"host": {"hostname": "vm1", "os": {"family": "linux", "id": "debian", "version": "12"}},
	"baseline": {
		"sshd": {"status": "ok", "source": "sshd -T", "settings": {"permitrootlogin": "no", "passwordauthentication": "no", "permitemptypasswords": "no", "maxauthtries": "4", "clientaliveinterval": "300", "x11forwarding": "no", "protocol": "2"}},
		"sysctl": {"status": "ok", "values": {"kernel.randomize_va_space": "2", "net.ipv4.conf.all.accept_source_route": "0", "net.ipv4.conf.default.accept_source_route": "0", "net.ipv4.conf.all.accept_redirects": "0", "net.ipv4.conf.default.accept_redirects": "0", "net.ipv4.conf.all.send_redirects": "0", "net.ipv4.tcp_syncookies": "1", "net.ipv4.conf.all.rp_filter": "1", "net.ipv4.conf.default.rp_filter": "1", "net.ipv4.ip_forward": "0", "net.ipv4.conf.all.log_martians": "1", "net.ipv4.icmp_echo_ignore_broadcasts": "1"}},
		"files": {"status": "ok", "entries": [
			{"path": "/etc/passwd", "exists": true, "mode": "0644", "owner": "root", "group": "root"},
			{"path": "/etc/shadow", "exists": true, "mode": "0400", "owner": "root", "group": "shadow"},
			{"path": "/etc/group", "exists": true, "mode": "0644", "owner": "root", "group": "root"},
			{"path": "/etc/gshadow", "exists": true, "mode": "0000", "owner": "root", "group": "shadow"},
		]},
		"loginDefs": {"status": "ok", "values": {"PASS_MAX_DAYS": "365", "PASS_MIN_DAYS": "7", "PASS_WARN_AGE": "14", "UMASK": "027"}},
		"accounts": {"status": "ok", "uid0": ["root"], "emptyPassword": [], "users": 24},
		"services": {"status": "ok", "enabled": ["cron.service", "ssh.service", "rsyslog.service", "auditd.service"], "packages": ["openssh-server", "rsyslog", "auditd", "telnet"]},
		"kernelModules": {"status": "ok", "disabled": ["usb-storage", "cramfs"], "loaded": ["ext4"]},
		"logging": {"status": "ok", "rsyslog": true, "journaldPersistent": false, "auditd": true},
	},
}

fx_windows := {
	"collectedAt": "2026-11-25T22:10:00Z",
	"host": {"hostname": "vm1", "os": {"family": "windows", "name": "Windows Server 2022 Datacenter"}},
	"endpointProtection": {"status": "ok", "products": [{"name": "Microsoft Defender Antivirus", "realTimeProtection": true}]},
	"baseline": {
		"registry": [
			{"path": `HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "name": "SMB1", "value": 0, "type": "REG_DWORD"},
			{"path": `HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "name": "RequireSecuritySignature", "value": 1, "type": "REG_DWORD"},
			{"path": `HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection`, "name": "DisableRealtimeMonitoring", "value": 0, "type": "REG_DWORD"},
			{"path": `HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`, "name": "UserAuthentication", "value": 1, "type": "REG_DWORD"},
			{"path": `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System`, "name": "EnableLUA", "value": 1, "type": "REG_DWORD"},
			{"path": `HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "name": "LmCompatibilityLevel", "value": 5, "type": "REG_DWORD"},
		],
		"firewallProfiles": {"domain": {"enabled": true}, "private": {"enabled": true}, "public": {"enabled": true}},
		"accountPolicy": {"lockoutThreshold": 5, "minimumPasswordLength": 14, "maximumPasswordAge": 60},
	},
}

mk_machine(snapshot) := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "name": "vm1", "agent": snapshot}

mk_linux(patch) := mk_machine(object.union(fx_linux, {"baseline": patch}))

mk_windows(patch) := mk_machine(object.union(fx_windows, {"baseline": patch}))

mk_input(r) := {"resources": [r], "parameters": {"max_auth_tries": 6}, "now": "2026-11-26T00:00:00Z"}

mk_deny(r) := messages if {
	messages := {f.message | some f in deny} with input as mk_input(r)
}

mk_unknown(r) := messages if {
	messages := {f.message | some f in unknown} with input as mk_input(r)
}

# The rule ids a set of messages names.
mk_ids(messages) := {substring(m, 1, indexof(m, "]") - 1) | some m in messages}

mk_registry(path, name, value) := {"path": path, "name": name, "value": value, "type": "REG_DWORD"}

test_hardened_linux_is_healthy if {
	count(mk_deny(mk_machine(fx_linux))) == 0
	count(mk_unknown(mk_machine(fx_linux))) == 0
	inp := mk_input(mk_machine(fx_linux))
	applicable == {fx_vm_id} with input as inp
}

test_hardened_windows_is_healthy if {
	count(mk_deny(mk_machine(fx_windows))) == 0
	count(mk_unknown(mk_machine(fx_windows))) == 0
}

test_each_failing_rule_is_its_own_finding if {
	r := mk_linux({"sshd": {"settings": {"permitrootlogin": "yes", "x11forwarding": "yes"}}})
	mk_deny(r) == {
		"[linux-sshd-permit-root-login] PermitRootLogin is yes, expected no",
		"[linux-sshd-x11-forwarding] X11Forwarding is yes, expected no",
	}
	count(deny) == 2 with input as mk_input(r)
}

# The baseline of tests/fixtures/agents/linux-web-01.json (a stock Debian 12 cloud image).
test_stock_debian_fails_the_expected_rules if {
	r := mk_linux({
		"sshd": {"settings": {"passwordauthentication": "yes", "maxauthtries": "6", "clientaliveinterval": "0", "x11forwarding": "yes"}},
		"sysctl": {"values": {"net.ipv4.conf.all.accept_redirects": "1", "net.ipv4.conf.default.accept_redirects": "1", "net.ipv4.conf.all.send_redirects": "1", "net.ipv4.conf.all.rp_filter": "2", "net.ipv4.conf.all.log_martians": "0"}},
		"files": {"entries": [
			{"path": "/etc/passwd", "exists": true, "mode": "0644", "owner": "root", "group": "root"},
			{"path": "/etc/shadow", "exists": true, "mode": "0640", "owner": "root", "group": "shadow"},
			{"path": "/etc/group", "exists": true, "mode": "0644", "owner": "root", "group": "root"},
			{"path": "/etc/gshadow", "exists": true, "mode": "0640", "owner": "root", "group": "shadow"},
		]},
		"loginDefs": {"values": {"PASS_MAX_DAYS": "99999", "PASS_MIN_DAYS": "0", "PASS_WARN_AGE": "7", "UMASK": "022"}},
		"services": {"enabled": ["cron.service", "ssh.service", "rsyslog.service", "cups.service"], "packages": ["openssh-server", "rsyslog", "cups"]},
		"kernelModules": {"disabled": ["usb-storage"], "loaded": ["ext4", "xfs"]},
		"logging": {"rsyslog": true, "journaldPersistent": false, "auditd": false},
	})
	mk_ids(mk_deny(r)) == {
		"linux-etc-shadow-perms", "linux-etc-gshadow-perms", "linux-sysctl-no-accept-redirects",
		"linux-sysctl-no-send-redirects", "linux-sysctl-rp-filter", "linux-sysctl-log-martians",
		"linux-sshd-password-authentication", "linux-sshd-client-alive-interval", "linux-sshd-x11-forwarding",
		"linux-login-defs-pass-max-days", "linux-login-defs-pass-min-days", "linux-login-defs-umask",
		"linux-cups-disabled", "linux-cramfs-disabled", "linux-auditd-enabled",
	}
	messages := mk_deny(r)
	"[linux-etc-shadow-perms] /etc/shadow has mode 0640, expected 0400 or stricter" in messages
	"[linux-sysctl-no-accept-redirects] net.ipv4.conf.all.accept_redirects is 1, expected 0; net.ipv4.conf.default.accept_redirects is 1, expected 0" in messages
	"[linux-sysctl-rp-filter] net.ipv4.conf.all.rp_filter is 2, expected 1" in messages
	"[linux-login-defs-pass-max-days] PASS_MAX_DAYS is 99999, expected at most 365" in messages
	"[linux-login-defs-umask] UMASK is 022, expected 027 or stricter" in messages
	"[linux-cups-disabled] enabled: cups.service" in messages
	"[linux-cramfs-disabled] kernel module cramfs is not disabled" in messages
	"[linux-auditd-enabled] auditd is not enabled: no kernel audit trail" in messages
	count(mk_unknown(r)) == 0
}

test_unknown_section_makes_each_of_its_rules_unknown if {
	r := mk_linux({"sshd": {"status": "unknown", "reason": "sshd -T needs root", "settings": null}})
	u := mk_unknown(r)
	count(u) == 7
	"[linux-sshd-permit-root-login] unknown: baseline.sshd: sshd -T needs root" in u
	count(mk_deny(r)) == 0
}

test_missing_baseline_and_null_values_are_unknown if {
	bare := mk_machine({"host": {"os": {"family": "linux"}}})
	u := mk_unknown(bare)
	count(u) == count([rule | some rule in _rules; rule.os == "linux"])
	"[linux-sysctl-aslr] unknown: baseline.sysctl not collected" in u
	r := mk_linux({"sysctl": {"values": {"kernel.randomize_va_space": null}}, "accounts": {"uid0": null}})
	mk_unknown(r) == {"[linux-sysctl-aslr] unknown: kernel.randomize_va_space not reported", "[linux-root-only-uid0] unknown: accounts.uid0 not reported"}
	count(mk_deny(r)) == 0
}

test_a_failing_value_beats_a_missing_one if {
	r := mk_linux({"sysctl": {"values": {"net.ipv4.conf.all.rp_filter": "2", "net.ipv4.conf.default.rp_filter": null}}})
	mk_deny(r) == {"[linux-sysctl-rp-filter] net.ipv4.conf.all.rp_filter is 2, expected 1"}
	count(mk_unknown(r)) == 0
}

mk_file(path, exists, mode, owner, group) := {"path": path, "exists": exists, "mode": mode, "owner": owner, "group": group}

mk_files(entries) := mk_linux({"files": {"status": "ok", "entries": entries}})

fx_good_files := [
	mk_file("/etc/passwd", true, "0644", "root", "root"),
	mk_file("/etc/group", true, "0644", "root", "root"),
	mk_file("/etc/gshadow", true, "0400", "root", "shadow"),
]

test_file_modes_and_owners if {
	mk_deny(mk_files(array.concat(fx_good_files, [mk_file("/etc/shadow", true, "0600", "root", "shadow")]))) == {"[linux-etc-shadow-perms] /etc/shadow has mode 0600, expected 0400 or stricter"}
	count(mk_deny(mk_files(array.concat(fx_good_files, [mk_file("/etc/shadow", true, "0000", "0", "0")])))) == 0
	count(mk_deny(mk_files(array.concat(fx_good_files, [mk_file("/etc/shadow", false, null, null, null)])))) == 0
}

test_file_modes_and_owners_messages if {
	wrong_owner := [mk_file("/etc/passwd", true, "644", "bin", "adm"), mk_file("/etc/group", true, "0664", "root", "root"), mk_file("/etc/gshadow", true, "0400", "root", "shadow"), mk_file("/etc/shadow", true, "0400", "root", "shadow")]
	mk_deny(mk_files(wrong_owner)) == {
		"[linux-etc-passwd-perms] /etc/passwd has group adm, expected root; /etc/passwd is owned by bin, expected root",
		"[linux-etc-group-perms] /etc/group has mode 0664, expected 0644 or stricter",
	}
}

test_missing_file_entry_and_mode_are_unknown if {
	r := mk_files([mk_file("/etc/passwd", true, null, "root", "root"), mk_file("/etc/group", true, "rw-r--r--", "root", "root"), mk_file("/etc/gshadow", true, "0400", "root", "shadow")])
	mk_unknown(r) == {
		"[linux-etc-passwd-perms] unknown: mode of /etc/passwd not reported",
		"[linux-etc-group-perms] unknown: mode of /etc/group not reported",
		"[linux-etc-shadow-perms] unknown: /etc/shadow not reported",
	}
	count(mk_deny(r)) == 0
}

test_accounts if {
	r := mk_linux({"accounts": {"uid0": ["root", "toor", "admin"], "emptyPassword": ["guest"]}})
	mk_deny(r) == {
		"[linux-root-only-uid0] accounts with UID 0 besides root: admin, toor",
		"[linux-no-empty-passwords] accounts with an empty password: guest",
	}
}

test_sshd_values_case_defaults_and_parameter if {
	upper := mk_linux({"sshd": {"settings": {"permitrootlogin": null, "PermitRootLogin": "No", "protocol": null}}})
	count(mk_deny(upper)) == 0
	count(mk_unknown(upper)) == 0
	legacy := mk_linux({"sshd": {"settings": {"protocol": "2,1", "permitrootlogin": "prohibit-password"}}})
	mk_deny(legacy) == {"[linux-sshd-protocol] Protocol is 2,1, expected 2", "[linux-sshd-permit-root-login] PermitRootLogin is prohibit-password, expected no"}
	tries := mk_linux({"sshd": {"settings": {"maxauthtries": "6"}}})
	count(mk_deny(tries)) == 0
	findings := {f.message | some f in deny} with input as {"resources": [tries], "parameters": {"max_auth_tries": 4}}
	findings == {"[linux-sshd-max-auth-tries] MaxAuthTries is 6, expected at most 4"}
	count(deny) == 0 with input as {"resources": [tries], "parameters": {"max_auth_tries": "many"}}
	count(deny) == 0 with input as {"resources": [tries]}
}

test_login_defs_umask_and_numbers if {
	count(mk_deny(mk_linux({"loginDefs": {"values": {"UMASK": "077", "PASS_MAX_DAYS": 90, "PASS_MIN_DAYS": "07"}}}))) == 0
	count(mk_deny(mk_linux({"loginDefs": {"values": {"UMASK": "0027"}}}))) == 0
	mk_deny(mk_linux({"loginDefs": {"values": {"UMASK": "u=rwx", "PASS_WARN_AGE": "6"}}})) == {
		"[linux-login-defs-umask] UMASK is u=rwx, expected 027 or stricter",
		"[linux-login-defs-pass-warn-age] PASS_WARN_AGE is 6, expected at least 7",
	}
}

test_packages_and_services if {
	r := mk_linux({"services": {"enabled": ["ssh.service", "telnet.socket", "Avahi-Daemon.service", "xinetd.service"], "packages": ["openssh-server", "telnetd", "rsh-server", "tftpd-hpa", "xinetd"]}})
	mk_deny(r) == {
		"[linux-no-telnet-server] enabled: telnet.socket; installed: telnetd",
		"[linux-no-rsh-server] installed: rsh-server",
		"[linux-no-tftp-server] installed: tftpd-hpa",
		"[linux-no-xinetd] enabled: xinetd.service; installed: xinetd",
		"[linux-avahi-daemon-disabled] enabled: Avahi-Daemon.service",
	}
	unread := mk_linux({"services": {"enabled": null, "packages": null}})
	u := mk_unknown(unread)
	"[linux-no-xinetd] unknown: enabled services not reported; installed packages not reported" in u
	"[linux-cups-disabled] unknown: enabled services not reported" in u
	count(u) == 6
}

test_kernel_modules if {
	count(mk_deny(mk_linux({"kernelModules": {"disabled": ["usb_storage", "CRAMFS"]}}))) == 0
	mk_deny(mk_linux({"kernelModules": {"loaded": ["cramfs", "ext4"]}})) == {"[linux-cramfs-disabled] kernel module cramfs is loaded"}
	r := mk_linux({"kernelModules": {"loaded": null}})
	count(mk_deny(r)) + count(mk_unknown(r)) == 0
	mk_unknown(mk_linux({"kernelModules": {"disabled": null}})) == {"[linux-cramfs-disabled] unknown: disabled kernel modules not reported", "[linux-usb-storage-disabled] unknown: disabled kernel modules not reported"}
}

test_logging_flags if {
	count(mk_deny(mk_linux({"logging": {"rsyslog": false, "journaldPersistent": "True", "auditd": "true"}}))) == 0
	mk_deny(mk_linux({"logging": {"rsyslog": false, "journaldPersistent": false}})) == {"[linux-logging-persistent] neither rsyslog is installed nor is journald persistent: logs are lost at reboot"}
	mk_unknown(mk_linux({"logging": {"rsyslog": null, "journaldPersistent": false, "auditd": null}})) == {"[linux-logging-persistent] unknown: logging.rsyslog not reported", "[linux-auditd-enabled] unknown: logging.auditd not reported"}
	count(mk_unknown(mk_linux({"logging": {"rsyslog": null, "journaldPersistent": true}}))) == 0
}

test_windows_registry_failures if {
	r := mk_windows({"registry": [
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1", 1),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "RequireSecuritySignature", 0),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential", 1),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`, "UserAuthentication", 0),
		mk_registry(`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System`, "EnableLUA", 0),
	]})
	mk_deny(r) == {
		`[windows-smb1-disabled] HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\SMB1 is 1, expected 0`,
		`[windows-smb-server-signing] HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\RequireSecuritySignature is 0, expected 1`,
		`[windows-wdigest-disabled] HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest\UseLogonCredential is 1, expected 0`,
		`[windows-rdp-nla] HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\UserAuthentication is 0, expected 1`,
		`[windows-uac-enabled] HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\EnableLUA is 0, expected 1`,
		`[windows-ntlmv2-only] HKLM\SYSTEM\CurrentControlSet\Control\Lsa\LmCompatibilityLevel is 3, expected 5`,
	}
	mk_unknown(r) == set()
}

test_windows_alternatives_defaults_and_case if {
	r := mk_windows({"registry": [
		mk_registry(`hkey_local_machine\system\currentcontrolset\services\MRXSMB10`, "start", "4"),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1", 1),
		mk_registry(`hklm\system\currentcontrolset\services\lanmanserver\parameters`, "requiresecuritysignature", "1"),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\`, "UserAuthentication", "1"),
		mk_registry(`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System`, "EnableLUA", 1),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "LmCompatibilityLevel", "5"),
		mk_registry(`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection`, "DisableRealtimeMonitoring", 1),
	]})
	count(mk_deny(r)) == 0
	count(mk_unknown(r)) == 0
}

test_windows_missing_registry_values_are_unknown if {
	r := mk_windows({"registry": [mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "LmCompatibilityLevel", null)]})
	u := mk_unknown(r)
	`[windows-smb1-disabled] unknown: HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\SMB1 not reported; HKLM\SYSTEM\CurrentControlSet\Services\mrxsmb10\Start not reported` in u
	count(u) == 4
	mk_ids(mk_deny(r)) == {"windows-ntlmv2-only"}
}

test_windows_unknown_registry_with_product_real_time_protection if {
	r := mk_windows({"registry": {"status": "unknown", "reason": "reg query failed"}})
	u := mk_unknown(r)
	"[windows-uac-enabled] unknown: baseline.registry: reg query failed" in u
	not mk_ids(u)["windows-defender-realtime-monitoring"]
	off := mk_machine(object.union(fx_windows, {"baseline": {"registry": []}, "endpointProtection": {"products": [{"name": "Microsoft Defender Antivirus", "realTimeProtection": "False"}]}}))
	"[windows-defender-realtime-monitoring] Microsoft Defender Antivirus realTimeProtection is False, expected true" in mk_deny(off)
	unread := mk_machine(object.union(fx_windows, {"baseline": {"registry": []}, "endpointProtection": {"products": [{"realTimeProtection": null}]}}))
	`[windows-defender-realtime-monitoring] unknown: HKLM\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection\DisableRealtimeMonitoring not reported; HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection\DisableRealtimeMonitoring not reported; no endpoint protection product reports realTimeProtection` in mk_unknown(unread)
	no_ep := mk_machine(object.union(fx_windows, {"baseline": {"registry": []}, "endpointProtection": {"status": "unknown", "reason": "Get-MpComputerStatus failed"}}))
	some m in mk_unknown(no_ep)
	startswith(m, "[windows-defender-realtime-monitoring] unknown: ")
	contains(m, "endpointProtection: Get-MpComputerStatus failed")
}

test_windows_firewall_and_account_policy if {
	r := mk_windows({"firewallProfiles": {"public": {"enabled": "false"}, "private": {"enabled": null}}, "accountPolicy": {"lockoutThreshold": 0, "minimumPasswordLength": "8"}})
	mk_deny(r) == {
		"[windows-firewall-public-enabled] the public firewall profile is disabled",
		"[windows-account-lockout-threshold] lockoutThreshold is 0, expected between 1 and 10",
		"[windows-minimum-password-length] minimumPasswordLength is 8, expected at least 14",
	}
	mk_unknown(r) == {"[windows-firewall-private-enabled] unknown: firewallProfiles.private.enabled not reported"}
	count(mk_deny(mk_windows({"accountPolicy": {"lockoutThreshold": "10"}}))) == 0
	mk_ids(mk_deny(mk_windows({"accountPolicy": {"lockoutThreshold": 11}}))) == {"windows-account-lockout-threshold"}
	mk_ids(mk_unknown(mk_windows({"firewallProfiles": {"status": "unknown"}}))) == {"windows-firewall-domain-enabled", "windows-firewall-private-enabled", "windows-firewall-public-enabled"}
}

test_other_os_families_and_machines_without_agent if {
	mac := mk_machine({"host": {"os": {"family": "Darwin"}}})
	mk_unknown(mac) == {`no baseline rules for OS family "darwin" (rules exist for linux and windows)`}
	count(mk_deny(mac)) == 0
	nameless := {"id": "/providers/Microsoft.HybridCompute/machines/x", "type": "Microsoft.HybridCompute/machines", "agent": {"host": {}}}
	mk_unknown(nameless) == {"the snapshot does not report its OS family (host.os.family), so no baseline rules apply"}
	plain := {"id": fx_vm_id, "type": "Microsoft.Compute/virtualMachines", "properties": {"storageProfile": {"osDisk": {"osType": "Linux"}}}}
	count(mk_deny(plain)) == 0
	count(mk_unknown(plain)) == 0
	inp := mk_input(plain)
	count(applicable) == 0 with input as inp
}

test_family_falls_back_to_the_resource_and_type_case if {
	hybrid := {"id": "/providers/Microsoft.HybridCompute/machines/db-01", "type": "microsoft.hybridcompute/MACHINES", "name": "db-01", "properties": {"osType": "Windows"}, "agent": object.remove(fx_windows, ["host"])}
	count(mk_deny(hybrid)) == 0
	count(mk_unknown(hybrid)) == 0
}

test_catalogue_is_complete_and_well_formed if {
	count([rule | some rule in _rules; rule.os == "linux"]) >= 25
	count([rule | some rule in _rules; rule.os == "windows"]) >= 8
	count({rule.id | some rule in _rules}) == count(_rules)
	every rule in _rules {
		regex.match(`^(linux|windows)-[a-z0-9]+(-[a-z0-9]+)*$`, rule.id)
		startswith(rule.id, rule.os)
		_checks[rule.kind]
	}
}

# Settings and files that pass only after the full check (other cases, spaces, leading
# zeros, numbers, two-digit masks, three-digit or numeric modes, owner and group "0", no
# `exists`) pass as they always did, beside the plain values that settings and file rules
# take directly.
test_values_off_the_plain_path_pass if {
	r := mk_linux({
		"sshd": {"settings": {"permitrootlogin": "No", "passwordauthentication": " no ", "protocol": 2}},
		"sysctl": {"values": {"kernel.randomize_va_space": 2, "net.ipv4.ip_forward": "00", "net.ipv4.tcp_syncookies": " 1"}},
		"loginDefs": {"values": {"PASS_MAX_DAYS": " 90", "PASS_MIN_DAYS": 7, "UMASK": "77"}},
		"files": {"entries": [
			mk_file("/etc/passwd", true, "644", "0", "0"),
			{"path": "/etc/shadow", "mode": "0400", "owner": "root", "group": "shadow"},
			mk_file("/etc/group", true, 644, "root", "root"),
			mk_file("/etc/gshadow", false, null, null, null),
		]},
	})
	count(mk_deny(r)) == 0
	count(mk_unknown(r)) == 0
}

# Values that look plain but fail still fail: a number, an exact key ahead of another
# spelling, a mode, owner or group off the rule, and a file's first entry ahead of a
# later one that would pass.
test_plain_looking_values_that_fail_still_fail if {
	r := mk_linux({
		"sshd": {"settings": {"permitrootlogin": "yes", "PermitRootLogin": "no"}},
		"sysctl": {"values": {"net.ipv4.ip_forward": 1}},
		"loginDefs": {"values": {"PASS_MAX_DAYS": "400", "UMASK": "0022"}},
		"files": {"entries": [
			mk_file("/etc/passwd", true, "0664", "root", "root"),
			mk_file("/etc/shadow", true, "0400", "daemon", "shadow"),
			mk_file("/etc/group", true, "0644", "root", "wheel"),
			mk_file("/etc/gshadow", true, "0640", "root", "shadow"),
			mk_file("/etc/gshadow", true, "0400", "root", "shadow"),
		]},
	})
	mk_deny(r) == {
		"[linux-sshd-permit-root-login] PermitRootLogin is yes, expected no",
		"[linux-sysctl-no-ip-forward] net.ipv4.ip_forward is 1, expected 0",
		"[linux-login-defs-pass-max-days] PASS_MAX_DAYS is 400, expected at most 365",
		"[linux-login-defs-umask] UMASK is 0022, expected 027 or stricter",
		"[linux-etc-passwd-perms] /etc/passwd has mode 0664, expected 0644 or stricter",
		"[linux-etc-shadow-perms] /etc/shadow is owned by daemon, expected root",
		"[linux-etc-group-perms] /etc/group has group wheel, expected root",
		"[linux-etc-gshadow-perms] /etc/gshadow has mode 0640, expected 0400 or stricter",
	}
	count(mk_unknown(r)) == 0
}

# A package rule needs both lists: either one missing makes it unknown, not passed.
test_package_lists_not_reported_are_unknown if {
	"[linux-no-telnet-server] unknown: enabled services not reported" in mk_unknown(mk_linux({"services": {"enabled": null}}))
	"[linux-no-telnet-server] unknown: installed packages not reported" in mk_unknown(mk_linux({"services": {"packages": null}}))
}

# --- the plain path

# mk_plain(r) is the rules the plain path passes on r, each with the full check's outcome.
mk_plain(r) := plain if {
	plain := {id: _check(r, _rule_of[id], gaps, names) |
		family := agent.family(r)
		gaps := _section_gaps(r)
		names := _service_names(r, family)
		some id in _passing(r, family, gaps, names)
	} with input as mk_input(r)
}

mk_plain_ids(r) := {id | some id, _ in mk_plain(r)}

# Machines on and just off every kind's plain path: values in another form, a section that
# cannot be used although its values look plain, another spelling of an absent key,
# duplicated registry entries, lists holding forbidden names.
fx_plain_edges := [
	mk_machine(fx_linux),
	mk_machine(fx_windows),
	mk_linux({"sysctl": {"status": "unknown", "reason": "no procfs"}, "sshd": {"status": "error"}}),
	mk_linux({"sshd": {"settings": {"protocol": null, "Protocol": "1", "maxauthtries": "04", "clientaliveinterval": 300.5}}}),
	mk_linux({"sshd": {"settings": {"protocol": null, "PROTOCOL": null, "maxauthtries": "-1", "clientaliveinterval": "0"}}}),
	mk_linux({"loginDefs": {"values": {"PASS_MAX_DAYS": 365, "PASS_MIN_DAYS": "6", "PASS_WARN_AGE": "1e3", "UMASK": "0027"}}}),
	mk_linux({"accounts": {"uid0": ["root", "toor"], "emptyPassword": "none"}}),
	mk_linux({"services": {"packages": ["telnetd", "rsyslog"], "enabled": ["Cups.Service", "avahi-daemon.socket"]}}),
	mk_linux({"services": {"packages": null}}),
	mk_linux({"kernelModules": {"disabled": ["usb_storage", "cramfs"], "loaded": ["cramfs"]}}),
	mk_linux({"logging": {"rsyslog": "true", "journaldPersistent": false, "auditd": "enabled"}}),
	mk_linux({"files": {"entries": [
		mk_file("/etc/passwd", true, "0644", "root", "wheel"),
		mk_file("/etc/shadow", true, "0400", "root", "shadow"),
		mk_file("/etc/shadow", true, "0777", "root", "shadow"),
		mk_file("/etc/group", null, "0644", "root", "root"),
	]}}),
	mk_windows({"registry": [
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1", "0"),
		mk_registry(`HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\`, "requiresecuritysignature", 1),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "UseLogonCredential", null),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "LmCompatibilityLevel", 3),
	], "accountPolicy": {"lockoutThreshold": "0", "minimumPasswordLength": 14.5}}),
	mk_windows({"registry": [
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1", 1),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "SMB1", 0),
		mk_registry(`HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "RequireSecuritySignature", 1),
	]}),
	mk_windows({"registry": {"status": "unknown", "reason": "access denied"}, "firewallProfiles": {"domain": {"enabled": "true"}, "private": {"enabled": 1}}}),
	mk_machine(object.union(json.remove(fx_linux, ["baseline/sshd/settings/protocol"]), {"baseline": {"sshd": {"settings": {"Protocol": "1"}}}})),
]

# Whatever the plain path passes, the full check passes: the path only spares the work.
test_the_plain_path_passes_only_what_the_check_passes if {
	every r in fx_plain_edges {
		every id, res in mk_plain(r) {
			res == {"state": "pass"}
		}
	}
}

# The hardened machines pass every rule of their family on the plain path, and each edge
# machine keeps its plain rules: the path is taken, and a value off it costs only its rule
# (duplicated registry entries cost the plain path all registry rules).
test_the_plain_path_takes_plain_machines_whole if {
	mk_plain_ids(mk_machine(fx_linux)) == _family_ids.linux
	mk_plain_ids(mk_machine(fx_windows)) == _family_ids.windows
	not "linux-sshd-protocol" in mk_plain_ids(fx_plain_edges[3])
	"linux-sshd-protocol" in mk_plain_ids(fx_plain_edges[4])
	mk_plain_ids(fx_plain_edges[2]) & {"linux-sysctl-aslr", "linux-sshd-permit-root-login"} == set()
	"linux-etc-shadow-perms" in mk_plain_ids(fx_plain_edges[11])
	"windows-smb-server-signing" in mk_plain_ids(fx_plain_edges[12])
	"windows-wdigest-disabled" in mk_plain_ids(fx_plain_edges[12])
	mk_plain_ids(fx_plain_edges[13]) & {"windows-smb1-disabled", "windows-smb-server-signing"} == set()
	not "linux-sshd-protocol" in mk_plain_ids(fx_plain_edges[15])
	"windows-firewall-public-enabled" in mk_plain_ids(fx_plain_edges[14])
	not "windows-firewall-domain-enabled" in mk_plain_ids(fx_plain_edges[14])
}
