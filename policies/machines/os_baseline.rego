# METADATA
# title: Vulnerabilities in security configuration on your machines should be remediated
# description: >-
#   A hardened operating system configuration closes the doors an attacker uses after the
#   first foothold: world-readable password hashes, root logins over SSH, source-routed
#   packets, legacy SMBv1, cached plain-text credentials. This checks the baseline section
#   of a machine's agent snapshot against the rule catalogue below (a subset of the
#   reference service's Linux and Windows security baselines, themselves drawn from the
#   CIS benchmarks). Every failing rule is its own finding whose message starts with the
#   rule id in brackets, e.g. "[linux-sshd-permit-root-login] PermitRootLogin is yes,
#   expected no". A rule whose data is missing (its snapshot section has status unknown,
#   was not collected, or the value is null or absent) is reported as unknown with the
#   reason ("[rule-id] unknown: ..."), never as passed; rules whose data is present pass or
#   fail regardless. Machines without an agent snapshot are not applicable; a snapshot of
#   an OS family other than linux or windows is reported unknown. Numbers may arrive as
#   numbers or strings ("1"), registry paths and names and sshd/login.defs keys compare
#   case-insensitively (HKEY_LOCAL_MACHINE equals HKLM), and file modes are octal strings
#   compared bit by bit ("or stricter" means no permission bit beyond the one named).
#   Judgement calls: /etc/shadow and /etc/gshadow must be 0400 or stricter, so the Debian
#   and Ubuntu default 0640 root:shadow fails (exempt the rule with category mitigated if
#   the shadow group is trusted); a file reported as not existing passes; rp_filter 2
#   (loose mode) fails as in CIS; sshd Protocol absent counts as 2 (OpenSSH 7.4 and later
#   only speak protocol 2 and `sshd -T` no longer prints it); WDigest UseLogonCredential
#   absent counts as 0 (the default since Windows 8.1 and Server 2012 R2); Lsa
#   LmCompatibilityLevel absent counts as 3 (the Windows default, which fails).
#
#   Linux rules:
#   linux-etc-shadow-perms (/etc/shadow mode 0400 or stricter, owner root);
#   linux-etc-gshadow-perms (/etc/gshadow 0400 or stricter, owner root);
#   linux-etc-passwd-perms (/etc/passwd 0644 or stricter, root:root);
#   linux-etc-group-perms (/etc/group 0644 or stricter, root:root);
#   linux-root-only-uid0 (root is the only account with UID 0);
#   linux-no-empty-passwords (no account has an empty password);
#   linux-sysctl-aslr (kernel.randomize_va_space 2);
#   linux-sysctl-no-source-route (net.ipv4.conf.all/default.accept_source_route 0);
#   linux-sysctl-no-accept-redirects (net.ipv4.conf.all/default.accept_redirects 0);
#   linux-sysctl-no-send-redirects (net.ipv4.conf.all.send_redirects 0);
#   linux-sysctl-tcp-syncookies (net.ipv4.tcp_syncookies 1);
#   linux-sysctl-rp-filter (net.ipv4.conf.all/default.rp_filter 1);
#   linux-sysctl-log-martians (net.ipv4.conf.all.log_martians 1);
#   linux-sysctl-ignore-broadcast-pings (net.ipv4.icmp_echo_ignore_broadcasts 1);
#   linux-sysctl-no-ip-forward (net.ipv4.ip_forward 0; routers and NVAs: exempt);
#   linux-sshd-permit-root-login (PermitRootLogin no);
#   linux-sshd-password-authentication (PasswordAuthentication no);
#   linux-sshd-permit-empty-passwords (PermitEmptyPasswords no);
#   linux-sshd-max-auth-tries (MaxAuthTries at most the parameter max_auth_tries, default 6);
#   linux-sshd-client-alive-interval (ClientAliveInterval more than 0);
#   linux-sshd-protocol (Protocol 2);
#   linux-sshd-x11-forwarding (X11Forwarding no);
#   linux-login-defs-pass-max-days (PASS_MAX_DAYS at most 365);
#   linux-login-defs-pass-min-days (PASS_MIN_DAYS at least 7);
#   linux-login-defs-pass-warn-age (PASS_WARN_AGE at least 7);
#   linux-login-defs-umask (UMASK 027 or stricter);
#   linux-no-telnet-server (no telnet server package or enabled service);
#   linux-no-rsh-server (no rsh/rlogin/rexec server package or enabled service);
#   linux-no-tftp-server (no tftp server package or enabled service);
#   linux-no-xinetd (xinetd neither installed nor enabled);
#   linux-avahi-daemon-disabled (avahi-daemon not enabled);
#   linux-cups-disabled (cups not enabled);
#   linux-cramfs-disabled (cramfs module disabled and not loaded);
#   linux-usb-storage-disabled (usb-storage module disabled and not loaded);
#   linux-logging-persistent (rsyslog installed or journald persistent);
#   linux-auditd-enabled (auditd enabled).
#
#   Windows rules:
#   windows-smb1-disabled (LanmanServer\Parameters SMB1 0, or service mrxsmb10 Start 4);
#   windows-smb-server-signing (LanmanServer\Parameters RequireSecuritySignature 1);
#   windows-defender-realtime-monitoring (Windows Defender Real-Time Protection
#   DisableRealtimeMonitoring 0, policy or local key, or a product with real-time
#   protection on);
#   windows-wdigest-disabled (SecurityProviders\WDigest UseLogonCredential 0);
#   windows-rdp-nla (Terminal Server\WinStations\RDP-Tcp UserAuthentication 1);
#   windows-uac-enabled (Policies\System EnableLUA 1);
#   windows-ntlmv2-only (Control\Lsa LmCompatibilityLevel 5);
#   windows-account-lockout-threshold (lockoutThreshold between 1 and 10);
#   windows-minimum-password-length (minimumPasswordLength at least 14);
#   windows-firewall-domain-enabled, windows-firewall-private-enabled,
#   windows-firewall-public-enabled (each Windows Firewall profile enabled).
# scope: package
# custom:
#   id: machine-os-baseline
#   per_resource: true
#   severity: Low
#   control: remediate-security-configurations
#   resource_types: [Microsoft.Compute/virtualMachines, Microsoft.HybridCompute/machines]
#   parameters:
#     max_auth_tries: 6
#   remediation: |-
#     1. Read the findings: each names one rule (the catalogue is in the description) and the value found.
#     2. Linux files: chmod 0400 /etc/shadow /etc/gshadow; chmod 0644 /etc/passwd /etc/group; chown root:root /etc/passwd /etc/group. Accounts: remove or renumber extra UID 0 accounts (usermod -u), lock or set a password on accounts without one (passwd -l).
#     3. Linux kernel: put the expected values in /etc/sysctl.d/60-hardening.conf (kernel.randomize_va_space = 2, net.ipv4.conf.all.accept_source_route = 0, ..., net.ipv4.ip_forward = 0) and run sysctl --system.
#     4. Linux sshd: set PermitRootLogin no, PasswordAuthentication no, PermitEmptyPasswords no, MaxAuthTries 4, ClientAliveInterval 300, X11Forwarding no in /etc/ssh/sshd_config (check files under sshd_config.d override nothing), run sshd -t, then systemctl reload ssh.
#     5. Linux login.defs: PASS_MAX_DAYS 365, PASS_MIN_DAYS 7, PASS_WARN_AGE 7, UMASK 027 in /etc/login.defs (existing accounts: chage).
#     6. Linux services: apt-get purge / dnf remove telnetd, rsh-server, tftpd, xinetd; systemctl disable --now avahi-daemon cups; add "install cramfs /bin/true" and "install usb-storage /bin/true" to /etc/modprobe.d/hardening.conf; install rsyslog or set Storage=persistent in /etc/systemd/journald.conf; install auditd and systemctl enable --now auditd.
#     7. Windows: apply the settings through Group Policy or the Azure machine configuration baseline: disable SMBv1 (Set-SmbServerConfiguration -EnableSMB1Protocol $false), require SMB signing, keep Defender real-time monitoring on, set WDigest UseLogonCredential 0, require Network Level Authentication for RDP, keep UAC (EnableLUA 1), LAN Manager authentication level "Send NTLMv2 response only. Refuse LM & NTLM" (5), account lockout threshold 1 to 10, minimum password length 14, and enable the domain, private and public firewall profiles (Set-NetFirewallProfile -All -Enabled True).
#     8. Collect a new snapshot and assess again. Where a rule does not fit a machine (ip_forward on a router), record an exemption for this recommendation and that machine with the reason.
#   threats: [Elevation of privilege, Account breach, Data exfiltration, Threat resistance]
#   user_impact: Moderate
#   implementation_effort: Moderate
#   references: [MCSB PV-4, CIS Distribution Independent Linux, CIS Microsoft Windows Server 2022, Azure security baseline for Linux, Azure security baseline for Windows]
package posture.machines.os_baseline

import data.posture.lib.agent
import data.posture.lib.util

# ---------------------------------------------------------------------------------------
# The rule catalogue: one entry per rule; adding a rule of an existing kind is one entry.
# Kinds and their fields:
#   file      path, mode (octal, "or stricter"), owner, groups (allowed groups; optional)
#   accounts  field (list in baseline.accounts), allowed (names that may be in it), what
#   settings  section (under baseline), field (member holding the values; optional), keys,
#             label (display name; optional), op, value, param (parameter overriding
#             value; optional), default (value assumed when absent; optional)
#   packages  packages (must not be installed), services (must not be enabled)
#   module    module (kernel module that must be disabled and not loaded)
#   flags     section, fields (paths of booleans; any true passes), what
#   registry  any (alternatives; one that passes makes the rule pass): {path, name, op,
#             value, default} registry values or {product, op, value} product fields
# Ops: eq, le, ge, gt, between ([low, high]), mask (octal umask covering the value).

_rules := [
	{"id": "linux-etc-shadow-perms", "os": "linux", "kind": "file", "path": "/etc/shadow", "mode": "0400", "owner": "root"},
	{"id": "linux-etc-gshadow-perms", "os": "linux", "kind": "file", "path": "/etc/gshadow", "mode": "0400", "owner": "root"},
	{"id": "linux-etc-passwd-perms", "os": "linux", "kind": "file", "path": "/etc/passwd", "mode": "0644", "owner": "root", "groups": ["root"]},
	{"id": "linux-etc-group-perms", "os": "linux", "kind": "file", "path": "/etc/group", "mode": "0644", "owner": "root", "groups": ["root"]},
	{"id": "linux-root-only-uid0", "os": "linux", "kind": "accounts", "field": "uid0", "allowed": ["root"], "what": "accounts with UID 0 besides root"},
	{"id": "linux-no-empty-passwords", "os": "linux", "kind": "accounts", "field": "emptyPassword", "allowed": [], "what": "accounts with an empty password"},
	{"id": "linux-sysctl-aslr", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["kernel.randomize_va_space"], "op": "eq", "value": 2},
	{"id": "linux-sysctl-no-source-route", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.conf.all.accept_source_route", "net.ipv4.conf.default.accept_source_route"], "op": "eq", "value": 0},
	{"id": "linux-sysctl-no-accept-redirects", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects"], "op": "eq", "value": 0},
	{"id": "linux-sysctl-no-send-redirects", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.conf.all.send_redirects"], "op": "eq", "value": 0},
	{"id": "linux-sysctl-tcp-syncookies", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.tcp_syncookies"], "op": "eq", "value": 1},
	{"id": "linux-sysctl-rp-filter", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"], "op": "eq", "value": 1},
	{"id": "linux-sysctl-log-martians", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.conf.all.log_martians"], "op": "eq", "value": 1},
	{"id": "linux-sysctl-ignore-broadcast-pings", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.icmp_echo_ignore_broadcasts"], "op": "eq", "value": 1},
	{"id": "linux-sysctl-no-ip-forward", "os": "linux", "kind": "settings", "section": "sysctl", "field": "values", "keys": ["net.ipv4.ip_forward"], "op": "eq", "value": 0},
	{"id": "linux-sshd-permit-root-login", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["permitrootlogin"], "label": "PermitRootLogin", "op": "eq", "value": "no"},
	{"id": "linux-sshd-password-authentication", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["passwordauthentication"], "label": "PasswordAuthentication", "op": "eq", "value": "no"},
	{"id": "linux-sshd-permit-empty-passwords", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["permitemptypasswords"], "label": "PermitEmptyPasswords", "op": "eq", "value": "no"},
	{"id": "linux-sshd-max-auth-tries", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["maxauthtries"], "label": "MaxAuthTries", "op": "le", "value": 6, "param": "max_auth_tries"},
	{"id": "linux-sshd-client-alive-interval", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["clientaliveinterval"], "label": "ClientAliveInterval", "op": "gt", "value": 0},
	{"id": "linux-sshd-protocol", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["protocol"], "label": "Protocol", "op": "eq", "value": 2, "default": 2},
	{"id": "linux-sshd-x11-forwarding", "os": "linux", "kind": "settings", "section": "sshd", "field": "settings", "keys": ["x11forwarding"], "label": "X11Forwarding", "op": "eq", "value": "no"},
	{"id": "linux-login-defs-pass-max-days", "os": "linux", "kind": "settings", "section": "loginDefs", "field": "values", "keys": ["PASS_MAX_DAYS"], "op": "le", "value": 365},
	{"id": "linux-login-defs-pass-min-days", "os": "linux", "kind": "settings", "section": "loginDefs", "field": "values", "keys": ["PASS_MIN_DAYS"], "op": "ge", "value": 7},
	{"id": "linux-login-defs-pass-warn-age", "os": "linux", "kind": "settings", "section": "loginDefs", "field": "values", "keys": ["PASS_WARN_AGE"], "op": "ge", "value": 7},
	{"id": "linux-login-defs-umask", "os": "linux", "kind": "settings", "section": "loginDefs", "field": "values", "keys": ["UMASK"], "op": "mask", "value": "027"},
	{"id": "linux-no-telnet-server", "os": "linux", "kind": "packages", "packages": ["telnetd", "telnet-server", "inetutils-telnetd", "telnetd-ssl"], "services": ["telnet", "telnetd", "telnet.socket"]},
	{"id": "linux-no-rsh-server", "os": "linux", "kind": "packages", "packages": ["rsh-server", "rsh-redone-server"], "services": ["rsh.socket", "rlogin.socket", "rexec.socket", "rshd", "rlogind", "rexecd"]},
	{"id": "linux-no-tftp-server", "os": "linux", "kind": "packages", "packages": ["tftpd", "tftpd-hpa", "tftp-server", "atftpd"], "services": ["tftp", "tftp.socket", "tftpd-hpa", "atftpd"]},
	{"id": "linux-no-xinetd", "os": "linux", "kind": "packages", "packages": ["xinetd"], "services": ["xinetd"]},
	{"id": "linux-avahi-daemon-disabled", "os": "linux", "kind": "packages", "packages": [], "services": ["avahi-daemon", "avahi-daemon.socket"]},
	{"id": "linux-cups-disabled", "os": "linux", "kind": "packages", "packages": [], "services": ["cups", "cups.socket", "cups.path"]},
	{"id": "linux-cramfs-disabled", "os": "linux", "kind": "module", "module": "cramfs"},
	{"id": "linux-usb-storage-disabled", "os": "linux", "kind": "module", "module": "usb-storage"},
	{"id": "linux-logging-persistent", "os": "linux", "kind": "flags", "section": "logging", "fields": [["rsyslog"], ["journaldPersistent"]], "what": "neither rsyslog is installed nor is journald persistent: logs are lost at reboot"},
	{"id": "linux-auditd-enabled", "os": "linux", "kind": "flags", "section": "logging", "fields": [["auditd"]], "what": "auditd is not enabled: no kernel audit trail"},
	{"id": "windows-smb1-disabled", "os": "windows", "kind": "registry", "any": [
		{"path": `HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "name": "SMB1", "op": "eq", "value": 0},
		{"path": `HKLM\SYSTEM\CurrentControlSet\Services\mrxsmb10`, "name": "Start", "op": "eq", "value": 4},
	]},
	{"id": "windows-smb-server-signing", "os": "windows", "kind": "registry", "any": [{"path": `HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`, "name": "RequireSecuritySignature", "op": "eq", "value": 1}]},
	{"id": "windows-defender-realtime-monitoring", "os": "windows", "kind": "registry", "any": [
		{"path": `HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection`, "name": "DisableRealtimeMonitoring", "op": "eq", "value": 0},
		{"path": `HKLM\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection`, "name": "DisableRealtimeMonitoring", "op": "eq", "value": 0},
		{"product": "realTimeProtection", "op": "eq", "value": true},
	]},
	{"id": "windows-wdigest-disabled", "os": "windows", "kind": "registry", "any": [{"path": `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest`, "name": "UseLogonCredential", "op": "eq", "value": 0, "default": 0}]},
	{"id": "windows-rdp-nla", "os": "windows", "kind": "registry", "any": [{"path": `HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`, "name": "UserAuthentication", "op": "eq", "value": 1}]},
	{"id": "windows-uac-enabled", "os": "windows", "kind": "registry", "any": [{"path": `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System`, "name": "EnableLUA", "op": "eq", "value": 1}]},
	{"id": "windows-ntlmv2-only", "os": "windows", "kind": "registry", "any": [{"path": `HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "name": "LmCompatibilityLevel", "op": "eq", "value": 5, "default": 3}]},
	{"id": "windows-account-lockout-threshold", "os": "windows", "kind": "settings", "section": "accountPolicy", "keys": ["lockoutThreshold"], "op": "between", "value": [1, 10]},
	{"id": "windows-minimum-password-length", "os": "windows", "kind": "settings", "section": "accountPolicy", "keys": ["minimumPasswordLength"], "op": "ge", "value": 14},
	{"id": "windows-firewall-domain-enabled", "os": "windows", "kind": "flags", "section": "firewallProfiles", "fields": [["domain", "enabled"]], "what": "the domain firewall profile is disabled"},
	{"id": "windows-firewall-private-enabled", "os": "windows", "kind": "flags", "section": "firewallProfiles", "fields": [["private", "enabled"]], "what": "the private firewall profile is disabled"},
	{"id": "windows-firewall-public-enabled", "os": "windows", "kind": "flags", "section": "firewallProfiles", "fields": [["public", "enabled"]], "what": "the public firewall profile is disabled"},
]

_families := {rule.os | some rule in _rules}

applicable contains r.id if {
	some r in input.resources
	agent.has_agent(r)
}

# Every rule checked once per machine: deny and unknown both read it (posture evaluates
# them in one query, so this is computed once). The rules that plainly pass (_passing) are
# not checked one by one: on most machines that is nearly all of them.
_outcomes contains [r.id, rule.id, res] if {
	some r in input.resources
	agent.has_agent(r)
	family := agent.family(r)
	section_gaps := _section_gaps(r)
	names := _service_names(r, family)
	some id in _family_ids[family] - _passing(r, family, section_gaps, names)
	rule := _rule_of[id]
	res := _check(r, rule, section_gaps, names)
	res.state != "pass"
}

_family_ids := {family: {rule.id | some rule in _rules; rule.os == family} | some family in _families}

_rule_of := {rule.id: rule | some rule in _rules}

deny contains {"resource": id, "message": sprintf("[%s] %s", [rule_id, res.msg])} if {
	some [id, rule_id, res] in _outcomes
	res.state == "fail"
}

unknown contains {"resource": id, "message": sprintf("[%s] unknown: %s", [rule_id, res.msg])} if {
	some [id, rule_id, res] in _outcomes
	res.state == "unknown"
}

unknown contains {"resource": r.id, "message": msg} if {
	some r in input.resources
	agent.has_agent(r)
	not agent.family(r) in _families
	msg := _no_rules(agent.family(r))
}

_no_rules("") := "the snapshot does not report its OS family (host.os.family), so no baseline rules apply"

_no_rules(family) := sprintf("no baseline rules for OS family %q (rules exist for linux and windows)", [family]) if family != ""

# ---------------------------------------------------------------------------------------
# Evaluation: _check(r, rule, section_gaps, names) is {"state": "pass"} or {"state": "fail"|"unknown", "msg": ...}.
# A rule fails when a value it reads fails; otherwise it is unknown when a value it needs
# is missing; otherwise it passes.

_check(r, rule, section_gaps, names) := {"state": "unknown", "msg": why} if {
	why := section_gaps[_rule_sections[rule.id]]
} else := _check_settings(r, rule) if {
	rule.kind == "settings"
} else := _check_file(r, rule) if {
	rule.kind == "file"
} else := _check_packages(r, rule, names) if {
	rule.kind == "packages"
} else := _check_registry(r, rule, names) if {
	rule.kind == "registry"
} else := {"state": "fail", "msg": concat("; ", problems)} if {
	problems := _problems(r, rule)
	count(problems) > 0
} else := {"state": "unknown", "msg": concat("; ", gaps)} if {
	gaps := _gaps(r, rule)
	count(gaps) > 0
} else := {"state": "pass"}

# _verdict(problems, gaps) is the outcome of a rule whose problems and gaps (sorted message
# lists) were found together: the four kinds that most rules have read their section once
# for both, where the generic path below looks every value up again for the gaps.
_verdict(problems, gaps) := {"state": "fail", "msg": concat("; ", problems)} if {
	count(problems) > 0
} else := {"state": "unknown", "msg": concat("; ", gaps)} if {
	count(gaps) > 0
} else := {"state": "pass"}

_section_of := {"file": "files", "accounts": "accounts", "packages": "services", "module": "kernelModules"}

# The snapshot section a rule reads, for every kind but registry (whose alternatives read
# different sections).
_section_name(rule) := _section_of[rule.kind]

_section_name(rule) := rule.section if rule.kind in {"settings", "flags"}

# _section_gaps(r) is why each section the rules read cannot be used, by section name (a
# section that can be used has no entry): computed once per machine, not once per rule. A
# section whose status is "ok" is usable without asking agent.unavailable (most sections).
_section_gaps(r) := {name: why |
	some name in _section_names
	section := object.get(r.agent, ["baseline", name], null)
	not section.status == "ok"
	why := agent.unavailable(section, _section_labels[name])
}

_section_labels := {name: concat(".", ["baseline", name]) | some name in _section_names}

_section_names := {name | some rule in _rules; name := _section_name(rule)}

# Each rule's section by rule id, once per evaluation rather than once per machine and rule.
_rule_sections := {rule.id: name | some rule in _rules; name := _section_name(rule)}

_baseline(r, name) := agent.section(r, ["baseline", name])

# The checks of each kind. _problem_<check>(r, rule) is the set of failing values a check
# finds, _gap_<check>(r, rule) the set of values it needs but misses; either is undefined
# when the check has nothing to say. The kind picks its checks directly: one function with
# a definition per check would run every definition on every call.
# The kinds and their checks, as dispatched below (the catalogue test requires every
# rule's kind to be one of them).
_checks := {
	"file": ["file-mode", "file-owner", "file-group"],
	"accounts": ["accounts"],
	"settings": ["settings"],
	"packages": ["packages", "services"],
	"module": ["module-loaded", "module-disabled"],
	"flags": ["flags"],
	"registry": ["registry"],
}

_problems(r, rule) := sort([m | some m in _problem_accounts(r, rule)]) if {
	rule.kind == "accounts"
} else := sort(array.concat(
	[m | some m in _problem_module_loaded(r, rule)],
	[m | some m in _problem_module_disabled(r, rule)]
)) if {
	rule.kind == "module"
} else := sort([m | some m in _problem_flags(r, rule)]) if {
	rule.kind == "flags"
}

_gaps(r, rule) := sort([m | some m in _gap_accounts(r, rule)]) if {
	rule.kind == "accounts"
} else := sort([m | some m in _gap_module_disabled(r, rule)]) if {
	rule.kind == "module"
} else := sort([m | some m in _gap_flags(r, rule)]) if {
	rule.kind == "flags"
}

# --- the plain path: rules that pass as the machine reports them.

# _passing(r, family, section_gaps, names) is the ids of the family's rules that plainly
# pass: their section usable and their values of the plainest form that passes. A handful
# of comprehensions per machine read them all, where checking rule by rule costs a dozen
# calls a rule (most of this policy's time). A rule left out takes the full check (_check),
# which decides it; a rule in the set passes the full check too
# (test_the_plain_path_passes_only_what_the_check_passes).
# Table rows are read by position: destructuring a row costs four VM instructions a field.
_passing(r, family, section_gaps, names) := union({
	_groups_passing(r, family, section_gaps),
	_defaults_passing(r, family, section_gaps),
	_range_passing(r, family, section_gaps),
	_files_passing(r, family, section_gaps),
	_accounts_passing(r, family, section_gaps),
	_packages_passing(r, family, section_gaps, names),
	_modules_passing(family, section_gaps, names),
	_flags_passing(r, family, section_gaps),
	_registry_passing(family, names),
})

# Settings rules with plain passing values (_plain_passes: eq and mask) and no default, by
# family, grouped by where their values are: [section, path, canonical values, ids, rows],
# rows being [id, keys, plain values]. A group whose values hold every key's canonical
# value (the plain value collectors print: "0", "no", "027") passes whole with one
# object.subset; otherwise its rows are checked one by one. A group whose keys would need
# two canonical values has none (its rows are always checked).
_plain_groups := {family: [[section, path, canonical, ids, rows] |
	some [section, path] in {[rule.section, _settings_paths[rule.id]] | some rule in _group_rules[family]}
	members := [rule | some rule in _group_rules[family]; rule.section == section; _settings_paths[rule.id] == path]
	pairs := {[key, _canonical(rule.op, _wants[rule.id])] | some rule in members; some key in rule.keys}
	canonical := _canonical_object(pairs)
	ids := {rule.id | some rule in members}
	rows := [[rule.id, rule.keys, _plain_passes[rule.id]] | some rule in members]
] | some family in _families}

_group_rules := {family: [rule |
	some rule in _rules
	rule.os == family
	_plain_passes[rule.id]
	not "default" in object.keys(rule)
	_canonical(rule.op, _wants[rule.id]) in _plain_passes[rule.id]
] | some family in _families}

_canonical("eq", want) := format_int(want, 10) if {
	is_number(want)
	want == floor(want)
} else := lower(want) if is_string(want)

_canonical("mask", want) := want

_canonical_object(pairs) := {key: value | some [key, value] in pairs} if {
	count({key | some [key, _] in pairs}) == count(pairs)
} else := null

_groups_passing(r, family, section_gaps) := {id |
	some group in _plain_groups[family]
	not section_gaps[group[0]]
	some id in _group_passing(object.get(r.agent, group[1], null), group)
}

_group_passing(values, group) := group[3] if {
	is_object(values)
	is_object(group[2])
	object.subset(values, group[2])
} else := {row[0] |
	some row in group[4]
	every key in row[1] {
		values[key] in row[2]
	}
}

# Settings rules with a default (sshd Protocol), by family: [id, section, path, keys,
# plain values, whether the default is one of them]. A key holding a plain value passes,
# and so does a key with no value in any spelling when the default is a plain value
# (_setting then gives the default).
_default_settings := {family: [[rule.id, rule.section, _settings_paths[rule.id], rule.keys, _plain_passes[rule.id], rule.default in _plain_passes[rule.id]] |
	some rule in _rules
	rule.os == family
	_plain_passes[rule.id]
	"default" in object.keys(rule)
] | some family in _families}

_defaults_passing(r, family, section_gaps) := {row[0] |
	some row in _default_settings[family]
	not section_gaps[row[1]]
	values := object.get(r.agent, row[2], null)
	is_object(values)
	every key in row[3] {
		values[key] in row[4]
	}
} | {row[0] |
	some row in _default_settings[family]
	row[5] == true
	not section_gaps[row[1]]
	values := object.get(r.agent, row[2], null)
	is_object(values)
	every key in row[3] {
		count([k | some k, v in values; v != null; lower(k) == lower(key)]) == 0
	}
}

# Settings rules that compare numbers, by family: [id, section, path of the values, keys,
# low, high], the integers that pass being low to high (le: up to want; ge: from want; gt:
# from the next integer; between: the two). A number, or a decimal string, written as
# collectors print one ("365", "-1": no sign, space or leading zero to strip; at most 15
# digits, so 10^16 stands for no bound) within them passes.
_range_settings := {family: [[rule.id, rule.section, _settings_paths[rule.id], rule.keys, low, high] |
	some rule in _rules
	rule.os == family
	rule.kind == "settings"
	[low, high] := _range(rule.op, _wants[rule.id])
] | some family in _families}

_range("le", want) := [-10000000000000000, want] if is_number(want)

_range("ge", want) := [want, 10000000000000000] if is_number(want)

_range("gt", want) := [floor(want) + 1, 10000000000000000] if is_number(want)

_range("between", [low, high]) := [low, high] if {
	is_number(low)
	is_number(high)
}

_range_passing(r, family, section_gaps) := {row[0] |
	some row in _range_settings[family]
	not section_gaps[row[1]]
	values := object.get(r.agent, row[2], null)
	every key in row[3] {
		regex.match(`^(0|-?[1-9][0-9]{0,14})$`, sprintf("%v", [values[key]]))
		to_number(values[key]) >= row[4]
		to_number(values[key]) <= row[5]
	}
}

# File rules, by family: [id, path, plain modes, owner, rule]. A rule passes when the first
# entry with its path exists with a plain mode, the rule's owner and an allowed group.
_plain_files := {family: [[rule.id, rule.path, _plain_modes[rule.id], rule.owner, rule] |
	some rule in _rules
	rule.os == family
	rule.kind == "file"
] | some family in _families}

_files_passing(r, family, section_gaps) := {row[0] |
	not section_gaps.files
	files := object.get(r.agent, ["baseline", "files"], null)
	is_object(files)
	entries := files.entries
	is_array(entries)
	some row in _plain_files[family]
	found := [e | some e in entries; is_object(e); e.path == row[1]]
	e := found[0]
	e.exists == true
	e.mode in row[2]
	e.owner == row[3]
	e.group in object.get(row[4], "groups", [e.group])
}

# Accounts rules, by family: [id, field, allowed]. A list holding only allowed names passes.
_plain_accounts := {family: [[rule.id, rule.field, rule.allowed] |
	some rule in _rules
	rule.os == family
	rule.kind == "accounts"
] | some family in _families}

_accounts_passing(r, family, section_gaps) := {row[0] |
	not section_gaps.accounts
	accounts := object.get(r.agent, ["baseline", "accounts"], null)
	some row in _plain_accounts[family]
	listed := accounts[row[1]]
	is_array(listed)
	every name in listed {
		name in row[2]
	}
}

# Packages rules, by family: [id, package names, unit names], and all their names
# together; a rule passes when both lists are reported and none of its names is in them. A
# machine with none of the family's names installed or enabled passes them all with two
# set intersections.
_plain_packages := {family: [[rule.id, _package_names[rule.id], _wanted_units[rule.id]] |
	some rule in _rules
	rule.os == family
	rule.kind == "packages"
] | some family in _families}

_all_packages := {family: {name | some row in _plain_packages[family]; some name in row[1]} | some family in _families}

_all_units := {family: {unit | some row in _plain_packages[family]; some unit in row[2]} | some family in _families}

_package_ids := {family: {row[0] | some row in _plain_packages[family]} | some family in _families}

_packages_passing(r, family, section_gaps, names) := _package_ids[family] if {
	not section_gaps.services
	services := object.get(r.agent, ["baseline", "services"], null)
	is_array(services.packages)
	is_array(services.enabled)
	count(names.installed_names & _all_packages[family]) == 0
	count(names.enabled_units & _all_units[family]) == 0
} else := {row[0] |
	not section_gaps.services
	services := object.get(r.agent, ["baseline", "services"], null)
	is_array(services.packages)
	is_array(services.enabled)
	some row in _plain_packages[family]
	count(names.installed_names & row[1]) == 0
	count(names.enabled_units & row[2]) == 0
}

# Module rules, by family: [id, module as _module gives it]; a module disabled and not
# loaded passes.
_plain_modules := {family: [[rule.id, _module_names[rule.id]] |
	some rule in _rules
	rule.os == family
	rule.kind == "module"
] | some family in _families}

_modules_passing(family, section_gaps, names) := {row[0] |
	not section_gaps.kernelModules
	some row in _plain_modules[family]
	row[1] in names.modules.disabled
	not row[1] in object.get(names.modules, "loaded", set())
}

# Flags rules, by family: [id, section, fields]. One field exactly true passes (as
# _flags_pass, whose util.is_true also takes "true" and "enabled").
_plain_flags := {family: [[rule.id, rule.section, rule.fields] |
	some rule in _rules
	rule.os == family
	rule.kind == "flags"
] | some family in _families}

_flags_passing(r, family, section_gaps) := {row[0] |
	some row in _plain_flags[family]
	not section_gaps[row[1]]
	values := object.get(r.agent, ["baseline", row[1]], null)
	is_object(values)
	some path in row[2]
	object.get(values, path, null) == true
}

# Registry rules' value alternatives, by family: [id, [normalised path, lower-cased name],
# plain values, whether the default passes]. A registry that can be read and whose first
# entry at that path and name holds a plain value (the integer, or its decimal string)
# passes the rule, as in _check_registry; so does one without a value there (or a null
# one) when the alternative's default is its value.
_plain_registry := {family: [[rule.id, _alt_keys[[alt.path, alt.name]], {alt.value, format_int(alt.value, 10)}, object.get(alt, "default", null) == alt.value] |
	some rule in _rules
	rule.os == family
	rule.kind == "registry"
	some alt in rule.any
	alt.path
	alt.op == "eq"
	is_number(alt.value)
	alt.value == floor(alt.value)
] | some family in _families}

_registry_passing(family, names) := {row[0] |
	count(names.registry.gap) == 0
	first := names.registry.first
	is_object(first)
	some row in _plain_registry[family]
	first[row[1]] in row[2]
} | {row[0] |
	count(names.registry.gap) == 0
	first := names.registry.first
	is_object(first)
	some row in _plain_registry[family]
	row[3] == true
	object.get(first, [row[1]], null) == null
}

# _registry_first(index) is the registry index (agent.registry_index) as an object from
# [path, name] to value, when no [path, name] is there twice (which value is first then
# matters); null otherwise.
_registry_first(index) := {[e[0], e[1]]: e[2] | some e in index} if {
	count({[e[0], e[1]] | some e in index}) == count(index)
} else := null

# --- file: mode, owner and group of a file.

# The rule's entry is the first with its path, looked up once for problems and gaps, its mode
# parsed once (agent.octal is a regex match and a sum over the digits). (An entry that
# plainly passes never gets here: _passing.)
_check_file(r, rule) := _verdict(problems, gaps) if {
	found := [e |
		some e in agent.entries(_baseline(r, "files"), "entries")
		is_object(e)
		e.path == rule.path
	]
	present := [[e, _mode(e)] | some e in array.slice(found, 0, 1); not util.is_false(e.exists)]
	problems := sort([m | some [e, mode] in present; some m in _file_problems(e, mode, rule)])
	gaps := _file_gaps(found, present, rule)
}

# _mode(e) is the entry's mode as a number, null when it is no octal mode.
_mode(e) := m if {
	m := agent.octal(e.mode)
} else := null

# The catalogue's modes as numbers, parsed once per evaluation.
_max_modes := {rule.id: agent.octal(rule.mode) | some rule in _rules; rule.kind == "file"}

_file_problems(e, mode, rule) := {m | m := _file_mode_problem(e, mode, rule)} | {m | m := _file_owner_problem(e, rule)} | {m | m := _file_group_problem(e, rule)}

# The modes that pass each file rule as four octal digits ("0644", as collectors print
# them), by rule id (once per evaluation): every mode with no bit beyond the rule's. A file
# that exists with such a mode, the rule's owner and an allowed group (when the rule names
# groups) passes on the plain path (_files_passing) without its mode being parsed.
_plain_modes := {rule.id: modes |
	some rule in _rules
	rule.kind == "file"
	max := _max_modes[rule.id]
	modes := {_octal_digits(m, 4) | some m in numbers.range(0, max); bits.and(m, max) == m}
}

# m in octal, padded with zeros to width digits (m below 8 to the power of width).
_octal_digits(m, width) := concat("", [substring("0000", 0, width - count(digits)), digits]) if {
	digits := format_int(m, 8)
}

# As agent.mode_within(e.mode, rule.mode), with both modes already parsed.
_file_mode_problem(e, mode, rule) := sprintf("%s has mode %v, expected %s or stricter", [rule.path, e.mode, rule.mode]) if {
	mode != null
	not bits.and(mode, _max_modes[rule.id]) == mode
}

_file_owner_problem(e, rule) := sprintf("%s is owned by %s, expected %s", [rule.path, e.owner, rule.owner]) if {
	is_string(e.owner)
	not e.owner in {rule.owner, "0"}
}

_file_group_problem(e, rule) := sprintf("%s has group %s, expected %s", [rule.path, e.group, concat(" or ", rule.groups)]) if {
	is_string(e.group)
	is_array(rule.groups)
	not e.group in rule.groups
	e.group != "0"
}

_file_gaps(found, present, rule) := [sprintf("%s not reported", [rule.path])] if {
	count(found) == 0
} else := [sprintf("mode of %s not reported", [rule.path])] if {
	some pair in present
	pair[1] == null
} else := []

# --- accounts: a list of account names that may hold only the allowed names.

_problem_accounts(r, rule) := {sprintf("%s: %s", [rule.what, concat(", ", extra)])} if {
	names := _baseline(r, "accounts")[rule.field]
	is_array(names)
	extra := sort({sprintf("%v", [n]) | some n in names; not n in rule.allowed})
	count(extra) > 0
}

_gap_accounts(r, rule) := {sprintf("accounts.%s not reported", [rule.field])} if {
	not is_array(_baseline(r, "accounts")[rule.field])
}

# --- settings: key/value settings (sysctl, sshd -T, login.defs, account policy).

_values(r, rule) := _baseline(r, rule.section)[rule.field] if rule.field

else := _baseline(r, rule.section)

_values_or_null(r, rule) := v if {
	v := _values(r, rule)
} else := null

_setting(values, rule, key) := v if {
	v := agent.get_ci(values, key)
	v != null
} else := rule.default

_expected(rule) := agent.param(rule.param, rule.value) if rule.param

else := rule.value

# The expected value of each settings rule (parameters applied), once per evaluation.
_wants := {rule.id: _expected(rule) | some rule in _rules; rule.kind == "settings"}

# The values that pass a settings rule as written, by rule id (once per evaluation): for
# `eq`, a number and its decimal string ("0", as sysctl and login.defs print it), a string
# in lower case (as sshd -T prints it); for `mask`, every mode of three or four octal digits
# that covers the mask ("027", "0077"). Exact key spellings only; rules with other ops have
# no entry.
_plain_passes := {rule.id: plain |
	some rule in _rules
	rule.kind == "settings"
	plain := _plain_pass(rule.op, _wants[rule.id])
}

_plain_pass("eq", want) := {want, format_int(want, 10)} if {
	is_number(want)
	want == floor(want)
} else := {lower(want)} if {
	is_string(want)
	trim_space(want) == want
}

_plain_pass("mask", want) := {digits |
	need := agent.octal(want)
	some m in numbers.range(0, 511)
	bits.and(m, need) == need
	some width in [3, 4]
	digits := _octal_digits(m, width)
}

# Where each settings rule's values are in a snapshot (the path _values reads), by rule id.
_settings_paths := {rule.id: path |
	some rule in _rules
	rule.kind == "settings"
	path := _settings_path(rule)
}

_settings_path(rule) := ["baseline", rule.section, rule.field] if rule.field

else := ["baseline", rule.section]

_label(rule, key) := rule.label if rule.label

else := key

# Each key's value is looked up once for problems and gaps; a key whose value is missing (or
# false) is a gap. (Rules whose values are plain passing ones never get here: _passing.)
_check_settings(r, rule) := _verdict(problems, gaps) if {
	values := _values_or_null(r, rule)
	want := _wants[rule.id]
	found := {key: v | some key in rule.keys; v := _setting(values, rule, key)}
	problems := sort({sprintf("%s is %v, expected %s", [_label(rule, key), v, _describe(rule.op, want)]) |
		some key, v in found
		not _op_ok(rule.op, v, want)
	})
	gaps := sort({sprintf("%s not reported", [_label(rule, key)]) | some key in rule.keys; not found[key]})
}

# --- packages: packages that must not be installed, services that must not be enabled.

_unit(name) := regex.replace(util.lc(name), `[.](service|socket|path|timer)$`, "")

# names is _service_names(r, family). (A rule with both lists reported and none of its
# names in them never gets here: _passing.)
_check_packages(r, rule, names) := _verdict(problems, gaps) if {
	services := _baseline(r, "services")
	problems := sort(array.concat(
		[m | some m in _problem_packages(services, names, rule)],
		[m | some m in _problem_services(services, names, rule)],
	))
	gaps := sort(array.concat(
		[m | some m in _gap_packages(services, rule)],
		[m | some m in _gap_services(services, rule)],
	))
}

# _service_names(r, family) is the machine's installed packages as the set of their
# lower-cased names and its enabled services as the set of their unit names (a rule with
# none of its names in either set passes with two set intersections), its kernel modules
# by field (as _modules gives them, where reported) and, for a family with registry rules,
# its registry (_registry_names), computed once per machine rather than once per rule or
# alternative (_unit is a regex replace, _module two calls per name, a registry path two
# regex replaces). Names are lower-cased inline rather than by util.lc, a call each; an
# entry that is no string (util.lc's "") matches no rule's name either way.
_service_names(r, family) := {
	"installed_names": {lower(trim_space(p)) | ps := _baseline(r, "services").packages; is_array(ps); some p in ps; is_string(p)},
	"enabled_units": {regex.replace(lower(trim_space(s)), `[.](service|socket|path|timer)$`, "") | es := _baseline(r, "services").enabled; is_array(es); some s in es; is_string(s)},
	"modules": {field: {replace(lower(trim_space(m)), "-", "_") | some m in mods; is_string(m)} |
		some field in ["loaded", "disabled"]
		mods := _baseline(r, "kernelModules")[field]
		is_array(mods)
	},
	"registry": _registry_names(r, family),
}

# _registry_names(r, family) is the machine's registry values (agent.registry_index) as
# `index`, the same by [path, name] as `first` (_registry_first) and why the registry
# cannot be read as `gap` (a set of at most one message); empty for a family without
# registry rules, which never reads them.
_registry_names(r, family) := {"index": index, "first": _registry_first(index), "gap": {why | why := agent.unavailable(agent.registry(r), "baseline.registry")}} if {
	family in _registry_families
	index := agent.registry_index(agent.registry(r))
} else := {"index": [], "first": null, "gap": set()}

_registry_families := {rule.os | some rule in _rules; rule.kind == "registry"}

# The unit names of each packages rule's services, and its packages as a set, once per
# evaluation.
_wanted_units := {rule.id: {_unit(s) | some s in rule.services} | some rule in _rules; rule.kind == "packages"}

_package_names := {rule.id: {p | some p in rule.packages} | some rule in _rules; rule.kind == "packages"}

_problem_packages(services, names, rule) := {sprintf("installed: %s", [concat(", ", found)])} if {
	is_array(services.packages)
	found := sort({p | some p in services.packages; util.lc(p) in rule.packages})
	count(found) > 0
}

_problem_services(services, names, rule) := {sprintf("enabled: %s", [concat(", ", found)])} if {
	is_array(services.enabled)
	wanted := _wanted_units[rule.id]
	found := sort({s | some s in services.enabled; _unit(s) in wanted})
	count(found) > 0
}

_gap_packages(services, rule) := {"installed packages not reported"} if {
	count(rule.packages) > 0
	not is_array(services.packages)
}

_gap_services(services, _) := {"enabled services not reported"} if {
	not is_array(services.enabled)
}

# --- module: a kernel module that must be disabled (install /bin/true or blacklisted)
# and not loaded. usb-storage and usb_storage are the same module.

_module(name) := replace(util.lc(name), "-", "_")

# The module of each module rule as _module gives it, by rule id (once per evaluation).
_module_names := {rule.id: _module(rule.module) | some rule in _rules; rule.kind == "module"}

_modules(r, field) := {_module(m) | some m in mods} if {
	mods := _baseline(r, "kernelModules")[field]
	is_array(mods)
}

_problem_module_loaded(r, rule) := {sprintf("kernel module %s is loaded", [rule.module])} if {
	_module(rule.module) in _modules(r, "loaded")
}

_problem_module_disabled(r, rule) := {sprintf("kernel module %s is not disabled", [rule.module])} if {
	not _module(rule.module) in _modules(r, "disabled")
	_modules(r, "disabled")
}

_gap_module_disabled(r, rule) := {"disabled kernel modules not reported"} if {
	not _modules(r, "disabled")
}

# --- flags: booleans of which one must be true.

_flag(r, rule, path) := object.get(_baseline(r, rule.section), path, null) if is_object(_baseline(r, rule.section))

else := null

_problem_flags(r, rule) := {rule.what} if {
	count([path | some path in rule.fields; not util.is_false(_flag(r, rule, path))]) == 0
}

_gap_flags(r, rule) := {sprintf("%s not reported", [concat(".", array.concat([rule.section], path))]) |
	some path in rule.fields
	not util.is_false(_flag(r, rule, path))
} if not _flags_pass(r, rule)

_flags_pass(r, rule) if {
	some path in rule.fields
	util.is_true(_flag(r, rule, path))
}

# --- registry: alternatives, of which one must pass. Each alternative is a registry value
# or a field of the endpoint protection products.

# Every alternative is evaluated once per machine and rule: its outcome decides pass, fail
# and unknown together.
_check_registry(r, rule, names) := _registry_verdict({res |
	some alt in rule.any
	some res in _alternative(r, alt, names)
})

_registry_verdict(outcomes) := {"state": "pass"} if {
	some res in outcomes
	res.state == "pass"
} else := _verdict(
	sort({res.msg | some res in outcomes; res.state == "fail"}),
	sort({res.msg | some res in outcomes; res.state == "unknown"}),
)

_alt_name(alt) := sprintf(`%s\%s`, [alt.path, alt.name])

# Each registry alternative's display name, and its path and name as the machine's registry
# index holds them (agent.registry_path, lower case), by [path, name] (once per evaluation:
# normalising a path is two regex replaces).
_alt_names := {[alt.path, alt.name]: _alt_name(alt) | some alt in _registry_alts}

_alt_keys := {[alt.path, alt.name]: [agent.registry_path(alt.path), lower(alt.name)] | some alt in _registry_alts}

_registry_alts contains alt if {
	some rule in _rules
	rule.kind == "registry"
	some alt in rule.any
	alt.path
}

# _alternative(r, alt, names) is a set of outcomes (one per product for a product field);
# names is _service_names(r, family), which holds the machine's registry gap and index.
_alternative(_, alt, names) := {{"state": "unknown", "msg": why}} if {
	alt.path
	some why in names.registry.gap
} else := {_outcome(alt, _alt_names[[alt.path, alt.name]], v)} if {
	alt.path
	v := _registry_value(names, alt)
} else := {{"state": "unknown", "msg": sprintf("%s not reported", [_alt_names[[alt.path, alt.name]]])}} if {
	alt.path
}

_alternative(r, alt, _) := {{"state": "unknown", "msg": why}} if {
	alt.product
	why := agent.unavailable(agent.section(r, ["endpointProtection"]), "endpointProtection")
} else := outcomes if {
	alt.product
	outcomes := {_outcome(alt, sprintf("%s %s", [_product_name(p), alt.product]), p[alt.product]) |
		some p in agent.entries(agent.section(r, ["endpointProtection"]), "products")
		is_object(p)
		p[alt.product] != null
	}
	count(outcomes) > 0
} else := {{"state": "unknown", "msg": sprintf("no endpoint protection product reports %s", [alt.product])}} if {
	alt.product
}

# As agent.registry_value(agent.registry(r), alt.path, alt.name), from the machine's index.
_registry_value(names, alt) := v if {
	[path, name] := _alt_keys[[alt.path, alt.name]]
	v := agent.registry_lookup(names.registry.index, path, name)
	v != null
} else := alt.default

_product_name(p) := p.name if is_string(p.name)

else := "unnamed product"

_outcome(alt, name, v) := {"state": "pass"} if _op_ok(alt.op, v, alt.value)

else := {"state": "fail", "msg": sprintf("%s is %v, expected %s", [name, v, _describe(alt.op, alt.value)])}

# --- comparisons

_op_ok("eq", v, want) if agent.num(v) == want

_op_ok("eq", v, want) if {
	is_string(want)
	util.lc(v) == lower(want)
}

_op_ok("eq", v, true) if util.is_true(v)

_op_ok("le", v, want) if agent.num(v) <= want

_op_ok("ge", v, want) if agent.num(v) >= want

_op_ok("gt", v, want) if agent.num(v) > want

_op_ok("between", v, [low, high]) if {
	agent.num(v) >= low
	agent.num(v) <= high
}

_op_ok("mask", v, want) if {
	need := agent.octal(want)
	bits.and(agent.octal(v), need) == need
}

_describe("eq", want) := sprintf("%v", [want])

_describe("le", want) := sprintf("at most %v", [want])

_describe("ge", want) := sprintf("at least %v", [want])

_describe("gt", want) := sprintf("more than %v", [want])

_describe("between", [low, high]) := sprintf("between %v and %v", [low, high])

_describe("mask", want) := sprintf("%v or stricter", [want])
