//! Host-side bash for agent findings (OS baseline rules, pending security updates): a script
//! that runs on the Linux machine itself, as root, with the same dry-run default.
//!
//! posture maps baseline rule ids (the `[rule-id]` that starts each finding message, or a
//! `fix` object's `rule`) to fixed commands: sysctl drop-ins, file modes and owners, an sshd
//! drop-in tested with `sshd -t` before the reload, login.defs values, package removal,
//! kernel module blacklisting, security updates. A rule posture does not know is left to fix
//! by hand, never guessed. Apart from host names (compared as quoted literals) and package
//! names from update findings (checked against a strict pattern, then quoted), nothing from
//! the inventory reaches the commands: the values are posture's own constants.
//!
//! One script covers every machine of the recommendation; each machine's commands are a
//! function chosen by the host name the script runs on (`uname -n`, or `--host NAME`).

use std::collections::BTreeSet;

use super::{quote, FixInput, Recommendation, Rendered, Target};

/// The recommendation whose findings are pending updates (its message names the packages).
pub const UPDATES_POLICY: &str = "machine-system-updates";

/// What fixes one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    /// Take away permission bits beyond `max`, set owner and group.
    Mode {
        path: &'static str,
        max: &'static str,
        owner: &'static str,
        group: &'static str,
    },
    /// `key = value` lines in /etc/sysctl.d/60-posture.conf.
    Sysctl(&'static [(&'static str, &'static str)]),
    /// An sshd keyword and value.
    Sshd(&'static str, &'static str),
    /// A /etc/login.defs key and value.
    LoginDefs(&'static str, &'static str),
    /// Kernel module to disable.
    Module(&'static str),
    /// Packages to remove and services to disable.
    Remove {
        packages: &'static [&'static str],
        services: &'static [&'static str],
    },
    /// A package to install (apt name, dnf name) and a unit to enable.
    Ensure(&'static str, &'static str, &'static str),
    /// journald keeps logs on disk.
    Journald,
    /// Install pending security updates.
    Updates,
}

/// The action for a rule id, if posture has one. Values follow the policy's remediation.
fn action(rule: &str) -> Option<Action> {
    use Action::*;
    Some(match rule {
        "linux-etc-shadow-perms" => Mode {
            path: "/etc/shadow",
            max: "0400",
            owner: "root",
            group: "",
        },
        "linux-etc-gshadow-perms" => Mode {
            path: "/etc/gshadow",
            max: "0400",
            owner: "root",
            group: "",
        },
        "linux-etc-passwd-perms" => Mode {
            path: "/etc/passwd",
            max: "0644",
            owner: "root",
            group: "root",
        },
        "linux-etc-group-perms" => Mode {
            path: "/etc/group",
            max: "0644",
            owner: "root",
            group: "root",
        },
        "linux-sysctl-aslr" => Sysctl(&[("kernel.randomize_va_space", "2")]),
        "linux-sysctl-no-source-route" => Sysctl(&[
            ("net.ipv4.conf.all.accept_source_route", "0"),
            ("net.ipv4.conf.default.accept_source_route", "0"),
        ]),
        "linux-sysctl-no-accept-redirects" => Sysctl(&[
            ("net.ipv4.conf.all.accept_redirects", "0"),
            ("net.ipv4.conf.default.accept_redirects", "0"),
        ]),
        "linux-sysctl-no-send-redirects" => Sysctl(&[("net.ipv4.conf.all.send_redirects", "0")]),
        "linux-sysctl-tcp-syncookies" => Sysctl(&[("net.ipv4.tcp_syncookies", "1")]),
        "linux-sysctl-rp-filter" => Sysctl(&[
            ("net.ipv4.conf.all.rp_filter", "1"),
            ("net.ipv4.conf.default.rp_filter", "1"),
        ]),
        "linux-sysctl-log-martians" => Sysctl(&[("net.ipv4.conf.all.log_martians", "1")]),
        "linux-sysctl-ignore-broadcast-pings" => {
            Sysctl(&[("net.ipv4.icmp_echo_ignore_broadcasts", "1")])
        }
        "linux-sysctl-no-ip-forward" => Sysctl(&[("net.ipv4.ip_forward", "0")]),
        "linux-sshd-permit-root-login" => Sshd("PermitRootLogin", "no"),
        "linux-sshd-password-authentication" => Sshd("PasswordAuthentication", "no"),
        "linux-sshd-permit-empty-passwords" => Sshd("PermitEmptyPasswords", "no"),
        "linux-sshd-max-auth-tries" => Sshd("MaxAuthTries", "4"),
        "linux-sshd-client-alive-interval" => Sshd("ClientAliveInterval", "300"),
        "linux-sshd-protocol" => Sshd("Protocol", "2"),
        "linux-sshd-x11-forwarding" => Sshd("X11Forwarding", "no"),
        "linux-login-defs-pass-max-days" => LoginDefs("PASS_MAX_DAYS", "365"),
        "linux-login-defs-pass-min-days" => LoginDefs("PASS_MIN_DAYS", "7"),
        "linux-login-defs-pass-warn-age" => LoginDefs("PASS_WARN_AGE", "7"),
        "linux-login-defs-umask" => LoginDefs("UMASK", "027"),
        "linux-no-telnet-server" => Remove {
            packages: &[
                "telnetd",
                "telnet-server",
                "inetutils-telnetd",
                "telnetd-ssl",
            ],
            services: &["telnet.socket", "telnetd.service"],
        },
        "linux-no-rsh-server" => Remove {
            packages: &["rsh-server", "rsh-redone-server"],
            services: &["rsh.socket", "rlogin.socket", "rexec.socket"],
        },
        "linux-no-tftp-server" => Remove {
            packages: &["tftpd", "tftpd-hpa", "tftp-server", "atftpd"],
            services: &["tftp.socket", "tftpd-hpa.service", "atftpd.service"],
        },
        "linux-no-xinetd" => Remove {
            packages: &["xinetd"],
            services: &["xinetd.service"],
        },
        "linux-avahi-daemon-disabled" => Remove {
            packages: &[],
            services: &["avahi-daemon.socket", "avahi-daemon.service"],
        },
        "linux-cups-disabled" => Remove {
            packages: &[],
            services: &["cups.socket", "cups.path", "cups.service"],
        },
        "linux-cramfs-disabled" => Module("cramfs"),
        "linux-usb-storage-disabled" => Module("usb-storage"),
        "linux-auditd-enabled" => Ensure("auditd", "audit", "auditd"),
        "linux-logging-persistent" => Journald,
        UPDATES_POLICY => Updates,
        _ => return None,
    })
}

/// The rule ids of a finding: each `fix` object's `rule`, and each `[rule-id]` that starts
/// one of its messages (messages are joined with "; "), except those reporting missing data
/// ("[rule-id] unknown: ..."). Without any, the recommendation id when posture maps it.
pub fn rules_of(rec: &Recommendation, t: &Target) -> Vec<String> {
    let mut rules = BTreeSet::new();
    for f in &t.fixes {
        if let Some(r) = f.get("rule").and_then(serde_json::Value::as_str) {
            rules.insert(r.to_string());
        }
    }
    let msg = t.message.as_deref().unwrap_or("");
    let mut from = 0usize;
    while let Some(i) = msg.get(from..).and_then(|s| s.find('[')) {
        let open = from + i;
        from = open + 1;
        if !(open == 0 || msg.get(..open).is_some_and(|s| s.ends_with("; "))) {
            continue;
        }
        let Some(rest) = msg.get(open + 1..) else {
            break;
        };
        let Some(close) = rest.find(']') else { break };
        let id = rest.get(..close).unwrap_or("");
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let unknown = rest
            .get(close + 1..)
            .is_some_and(|s| s.trim_start().starts_with("unknown:"));
        if valid && !unknown {
            rules.insert(id.to_string());
        }
    }
    if rules.is_empty() && action(&rec.id).is_some() {
        rules.insert(rec.id.clone());
    }
    rules.into_iter().collect()
}

/// True when the recommendation assesses machines and its findings name rules: it gets a
/// host-side script (or, for rules posture does not map, manual entries) instead of a
/// cloud one.
pub fn applies(rec: &Recommendation) -> bool {
    rec.machines && rec.targets.iter().any(|t| !rules_of(rec, t).is_empty())
}

/// True for a name apt or dnf could know: letters, digits and `.+_:-`, starting with a
/// letter or digit. Anything else (spaces, quotes, a leading dash) is not a package name.
fn package_name_ok(s: &str) -> bool {
    s.len() <= 128
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+_:-".contains(c))
}

/// The packages a pending-updates finding names: `fix.packages` (or `fix.package`), else
/// the list after the message's colon ("2 security updates pending (apt): openssl 3.0.15,
/// libc6 2.36 and 3 more"), first word of each entry. Also whether the list is complete.
fn update_packages(t: &Target) -> (Vec<String>, bool) {
    let mut names = BTreeSet::new();
    for f in &t.fixes {
        match f.get("packages") {
            Some(serde_json::Value::Array(a)) => {
                names.extend(a.iter().filter_map(|v| v.as_str()).map(str::to_string));
            }
            _ => {
                if let Some(p) = f.get("package").and_then(serde_json::Value::as_str) {
                    names.insert(p.to_string());
                }
            }
        }
    }
    let mut complete = true;
    if names.is_empty() {
        let msg = t.message.as_deref().unwrap_or("");
        let first = msg.split("; ").next().unwrap_or("");
        if let Some((_, list)) = first.split_once(": ") {
            let mut list = list.trim();
            if let Some(i) = list.rfind(" and ") {
                if list.get(i..).is_some_and(|s| s.ends_with(" more")) {
                    complete = false;
                    list = list.get(..i).unwrap_or("");
                }
            }
            for entry in list.split(", ") {
                if let Some(name) = entry.split_whitespace().next() {
                    names.insert(name.to_string());
                }
            }
        }
    }
    let valid: Vec<String> = names
        .iter()
        .filter(|n| package_name_ok(n))
        .cloned()
        .collect();
    (valid.clone(), complete && valid.len() == names.len())
}

/// The package manager a pending-updates message names ("pending (apt): ...").
fn update_manager(t: &Target) -> Option<String> {
    let msg = t.message.as_deref()?;
    let start = msg.find("pending (")? + "pending (".len();
    let rest = msg.get(start..)?;
    Some(rest.get(..rest.find("):")?)?.to_ascii_lowercase())
}

/// One machine's plan: its host name and what to do.
struct HostPlan<'a> {
    target: &'a Target,
    hostname: String,
    actions: BTreeSet<Action>,
    packages: Vec<String>,
    rules: Vec<String>,
}

const HELPER_BASE: &str = r#"set -euo pipefail

apply=0
host=$(uname -n)
while [ "$#" -gt 0 ]; do
  case $1 in
    --apply) apply=1 ;;
    --dry-run) apply=0 ;;
    --host)
      if [ "$#" -lt 2 ]; then
        echo '--host needs a host name' >&2
        exit 2
      fi
      host=$2
      shift
      ;;
    -h | --help)
      printf 'usage: %s [--apply] [--host NAME]   (without --apply the commands are only printed)\n' "$0"
      exit 0
      ;;
    *)
      printf 'unknown argument: %s (usage: %s [--apply] [--host NAME])\n' "$1" "$0" >&2
      exit 2
      ;;
  esac
  shift
done

# POSTURE_FIX_ROOT stands in for / when testing the script in a scratch folder; on a host it
# is unset and every path is the real one.
root=${POSTURE_FIX_ROOT-}
if [ "$apply" -eq 1 ] && [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  echo 'run it as root (sudo) to apply' >&2
  exit 1
fi
failures=0

# Runs a command with --apply; otherwise prints it, each word quoted so it reads unambiguously.
run() {
  if [ "$apply" -eq 1 ]; then
    "$@"
  else
    printf 'would run:'
    printf ' %q' "$@"
    printf '\n'
  fi
}

say() {
  printf '%s\n' "$*"
}

# Reports a step that did not work; the script goes on and exits 1 at the end.
warn() {
  printf 'error: %s\n' "$*" >&2
  failures=$((failures + 1))
}
"#;

const HELPER_SET_LINE: &str = r#"
changed=0

# set_line FILE KEY LINE [backup]: makes LINE the line of FILE that sets KEY (a line that is
# KEY, or KEY followed by a blank or =), replacing it or appending LINE. A file that already
# has it is not touched, so a second run changes nothing; with "backup" the original is
# kept once as FILE.posture-backup. The file is replaced atomically with its mode and owner.
set_line() {
  local file=$root$1 key=$2 line=$3 backup=${4-} out='' l found=0 tmp
  if [ -f "$file" ]; then
    while IFS= read -r l || [ -n "$l" ]; do
      if [ "$l" = "$key" ] || [[ $l == "$key"[[:space:]=]* ]]; then
        if [ "$found" -eq 0 ]; then
          out+=$line$'\n'
          found=1
        fi
      else
        out+=$l$'\n'
      fi
    done <"$file"
  fi
  if [ "$found" -eq 0 ]; then
    out+=$line$'\n'
  fi
  if [ -f "$file" ] && [ "$(
    cat -- "$file"
    printf x
  )" = "${out}x" ]; then
    say "unchanged: $1 has $line"
    return 0
  fi
  changed=1
  if [ "$apply" -ne 1 ]; then
    say "would set in $1: $line"
    return 0
  fi
  if [ -n "$backup" ] && [ -f "$file" ] && [ ! -e "$file.posture-backup" ]; then
    cp -p -- "$file" "$file.posture-backup"
  fi
  mkdir -p -- "$(dirname -- "$file")"
  tmp=$(mktemp "$file.posture.XXXXXX")
  printf '%s' "$out" >"$tmp"
  if [ -f "$file" ]; then
    chmod --reference="$file" -- "$tmp"
    chown --reference="$file" -- "$tmp"
  else
    chmod 0644 -- "$tmp"
  fi
  mv -f -- "$tmp" "$file"
  say "set in $1: $line"
}
"#;

const HELPER_MODE: &str = r#"
# fix_mode PATH MAX OWNER GROUP: takes away the permission bits of PATH beyond MAX (it never
# adds any), then sets the owner and group when given and different. A missing file is left
# alone.
fix_mode() {
  local path=$root$1 max=$2 owner=$3 group=$4 cur new
  if [ ! -e "$path" ]; then
    say "unchanged: $1 does not exist"
    return 0
  fi
  cur=$(stat -c '%a' -- "$path")
  new=$(printf '%o' "$((8#$cur & 8#$max))")
  if [ "$new" != "$cur" ]; then
    run chmod "$new" "$path"
  else
    say "unchanged: $1 has mode $cur"
  fi
  if [ -n "$owner" ] && [ "$(stat -c '%U' -- "$path")" != "$owner" ]; then
    run chown "$owner" "$path"
  fi
  if [ -n "$group" ] && [ "$(stat -c '%G' -- "$path")" != "$group" ]; then
    run chgrp "$group" "$path"
  fi
}
"#;

const HELPER_SYSCTL: &str = r#"
# check_sysctl KEY VALUE: the running kernel has VALUE, unless a file read after ours
# (a later name in /etc/sysctl.d, or /etc/sysctl.conf) sets KEY again.
check_sysctl() {
  local got
  got=$(sysctl -n "$1" 2>/dev/null || true)
  if [ "$got" != "$2" ]; then
    warn "$1 is ${got:-not set}, expected $2: a file read later (/etc/sysctl.conf or a later name in /etc/sysctl.d) sets it; change it there"
  fi
}
"#;

const HELPER_SSHD: &str = r#"
# sshd_settings LINE...: writes the settings to a drop-in, tests the whole configuration with
# sshd -t (putting the drop-in back as it was when the test fails, so sshd never restarts on
# a broken file), reloads sshd, then checks the effective values with sshd -T. sshd keeps the
# first value it reads, so the drop-in's name sorts before the others in sshd_config.d.
sshd_settings() {
  local conf=/etc/ssh/sshd_config.d/00-posture.conf saved='' had=0 line effective unit
  if [ -f "$root/etc/ssh/sshd_config" ] && ! grep -Eqi '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/' "$root/etc/ssh/sshd_config"; then
    warn "/etc/ssh/sshd_config does not read /etc/ssh/sshd_config.d; add 'Include /etc/ssh/sshd_config.d/*.conf' at its top and run again (wanted: $*)"
    return 0
  fi
  if [ "$apply" -eq 1 ] && [ -f "$root$conf" ]; then
    had=1
    saved=$(mktemp)
    cp -p -- "$root$conf" "$saved"
  fi
  changed=0
  for line in "$@"; do
    set_line "$conf" "${line%% *}" "$line"
  done
  if [ "$changed" -eq 1 ]; then
    if ! run sshd -t; then
      if [ "$had" -eq 1 ]; then
        mv -f -- "$saved" "$root$conf"
      else
        rm -f -- "$root$conf"
      fi
      warn "sshd -t rejected the configuration; $conf is back as it was and sshd was not reloaded"
      return 0
    fi
    if systemctl cat ssh.service >/dev/null 2>&1; then
      unit=ssh
    else
      unit=sshd
    fi
    run systemctl reload "$unit"
  fi
  if [ -n "$saved" ]; then
    rm -f -- "$saved"
  fi
  if [ "$apply" -eq 1 ]; then
    effective=$(sshd -T 2>/dev/null || true)
    for line in "$@"; do
      if ! grep -qixF -- "$line" <<<"$effective"; then
        warn "sshd -T does not show '$line': an earlier file in /etc/ssh/sshd_config.d or a Match block sets it; change it there"
      fi
    done
  fi
}
"#;

const HELPER_MODULE: &str = r#"
# disable_module NAME: the kernel no longer loads NAME (install NAME /bin/false, blacklist
# NAME), and it is unloaded now when loaded and not in use.
disable_module() {
  local conf=/etc/modprobe.d/60-posture.conf
  set_line "$conf" "install $1" "install $1 /bin/false"
  set_line "$conf" "blacklist $1" "blacklist $1"
  if [ -d "$root/sys/module/${1//-/_}" ]; then
    run modprobe -r "$1" || warn "$1 is in use and stays loaded until the next reboot"
  fi
}
"#;

const HELPER_PACKAGES: &str = r#"
# installed NAME: whether the package is installed (dpkg or rpm).
installed() {
  local status
  if command -v dpkg-query >/dev/null 2>&1; then
    status=$(dpkg-query -W -f="\${Status}" "$1" 2>/dev/null || true)
    [[ $status == *" installed" ]]
  elif command -v rpm >/dev/null 2>&1; then
    rpm -q --quiet "$1"
  else
    return 1
  fi
}

# remove_packages NAME...: purges the ones that are installed; the others are skipped.
remove_packages() {
  local p
  for p in "$@"; do
    if ! installed "$p"; then
      continue
    elif command -v apt-get >/dev/null 2>&1; then
      run env DEBIAN_FRONTEND=noninteractive apt-get purge -y "$p"
    else
      run dnf remove -y "$p"
    fi
  done
}

# disable_services UNIT...: stops and disables the ones that are enabled or running.
disable_services() {
  local u
  for u in "$@"; do
    if systemctl is-enabled --quiet "$u" 2>/dev/null || systemctl is-active --quiet "$u" 2>/dev/null; then
      run systemctl disable --now "$u"
    fi
  done
}

# ensure_service APT-PACKAGE DNF-PACKAGE UNIT: installs the package when missing, then
# enables and starts the unit when it is not.
ensure_service() {
  if command -v apt-get >/dev/null 2>&1; then
    installed "$1" || run env DEBIAN_FRONTEND=noninteractive apt-get install -y "$1"
  else
    installed "$2" || run dnf install -y "$2"
  fi
  if ! systemctl is-enabled --quiet "$3" 2>/dev/null || ! systemctl is-active --quiet "$3" 2>/dev/null; then
    run systemctl enable --now "$3"
  fi
}
"#;

const HELPER_UPDATES: &str = r#"
# security_updates [PACKAGE...]: installs pending security updates. On apt systems
# unattended-upgrade, which takes only the security origins, when it is installed, else an
# upgrade of the packages the finding names; dnf (or yum) upgrade --security elsewhere.
# Updates already installed are skipped by the package manager, so a second run is harmless.
security_updates() {
  if command -v apt-get >/dev/null 2>&1; then
    run apt-get update
    if command -v unattended-upgrade >/dev/null 2>&1; then
      run unattended-upgrade -v
    elif [ "$#" -gt 0 ]; then
      run env DEBIAN_FRONTEND=noninteractive apt-get -y --only-upgrade install "$@"
    else
      warn 'unattended-upgrades is not installed and the finding names no package: review and run apt-get upgrade'
    fi
  elif command -v dnf >/dev/null 2>&1; then
    run dnf -y upgrade --security
  elif command -v yum >/dev/null 2>&1; then
    run yum -y update --security
  else
    warn 'no apt-get, dnf or yum here: install the security updates with the system package manager'
  fi
}
"#;

/// The body of one machine's function.
fn host_body(p: &HostPlan<'_>) -> String {
    let mut b = String::new();
    let q = quote::bash_word;
    let line = |b: &mut String, s: String| {
        b.push_str("  ");
        b.push_str(&s);
        b.push('\n');
    };
    for a in &p.actions {
        if let Action::Mode {
            path,
            max,
            owner,
            group,
        } = a
        {
            line(
                &mut b,
                format!("fix_mode {} {} {} {}", q(path), q(max), q(owner), q(group)),
            );
        }
    }
    let sysctl: Vec<(&str, &str)> = p
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Sysctl(kv) => Some(kv.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    if !sysctl.is_empty() {
        line(&mut b, "changed=0".into());
        for (k, v) in &sysctl {
            line(
                &mut b,
                format!(
                    "set_line /etc/sysctl.d/60-posture.conf {} {}",
                    q(k),
                    quote::bash(&format!("{k} = {v}"))
                ),
            );
        }
        line(
            &mut b,
            "if [ \"$changed\" -eq 1 ]; then run sysctl --system; fi".into(),
        );
        line(&mut b, "if [ \"$apply\" -eq 1 ]; then".into());
        for (k, v) in &sysctl {
            line(&mut b, format!("  check_sysctl {} {}", q(k), q(v)));
        }
        line(&mut b, "fi".into());
    }
    let sshd: Vec<String> = p
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Sshd(k, v) => Some(quote::bash(&format!("{k} {v}"))),
            _ => None,
        })
        .collect();
    if !sshd.is_empty() {
        line(&mut b, format!("sshd_settings {}", sshd.join(" ")));
    }
    for a in &p.actions {
        if let Action::LoginDefs(k, v) = a {
            line(
                &mut b,
                format!(
                    "set_line /etc/login.defs {} {} backup",
                    q(k),
                    quote::bash(&format!("{k} {v}"))
                ),
            );
        }
    }
    for a in &p.actions {
        match a {
            Action::Module(m) => line(&mut b, format!("disable_module {}", q(m))),
            Action::Remove { packages, services } => {
                if !packages.is_empty() {
                    let p: Vec<String> = packages.iter().map(|s| q(s)).collect();
                    line(&mut b, format!("remove_packages {}", p.join(" ")));
                }
                if !services.is_empty() {
                    let s: Vec<String> = services.iter().map(|s| q(s)).collect();
                    line(&mut b, format!("disable_services {}", s.join(" ")));
                }
            }
            Action::Ensure(apt, dnf, unit) => line(
                &mut b,
                format!("ensure_service {} {} {}", q(apt), q(dnf), q(unit)),
            ),
            Action::Journald => {
                let conf = "/etc/systemd/journald.conf.d/60-posture.conf";
                line(&mut b, "changed=0".into());
                line(&mut b, format!("set_line {conf} '[Journal]' '[Journal]'"));
                line(
                    &mut b,
                    format!("set_line {conf} Storage Storage=persistent"),
                );
                line(
                    &mut b,
                    "if [ \"$changed\" -eq 1 ]; then run systemctl restart systemd-journald; fi"
                        .into(),
                );
            }
            _ => {}
        }
    }
    if p.actions.contains(&Action::Updates) {
        let names: Vec<String> = p.packages.iter().map(|n| quote::bash(n)).collect();
        let call = if names.is_empty() {
            "security_updates".to_string()
        } else {
            format!("security_updates {}", names.join(" "))
        };
        line(&mut b, call);
    }
    b
}

/// The host-side script for `rec`, or why there is none.
pub fn render(input: &FixInput, rec: &Recommendation, name: &str) -> Rendered {
    let mut r = Rendered::default();
    let mut plans: Vec<HostPlan<'_>> = Vec::new();
    for t in &rec.targets {
        let rules = rules_of(rec, t);
        if rules.is_empty() {
            r.manual.push((
                Some(t.id.clone()),
                "the finding names no baseline rule posture can fix".into(),
            ));
            continue;
        }
        let family = t.host.as_ref().map_or("", |h| h.family.as_str());
        if family == "windows" {
            let what: Vec<&str> = rules
                .iter()
                .map(|r| {
                    if r == UPDATES_POLICY {
                        "the pending updates (Windows Update or Azure Update Manager)"
                    } else {
                        r.as_str()
                    }
                })
                .collect();
            r.manual.push((
                Some(t.id.clone()),
                format!(
                    "host-side fixes cover Linux only; on this Windows machine apply by hand: {}",
                    what.join(", ")
                ),
            ));
            continue;
        }
        let mut plan = HostPlan {
            target: t,
            hostname: t
                .host
                .as_ref()
                .map_or_else(|| t.name.clone(), |h| h.hostname.clone()),
            actions: BTreeSet::new(),
            packages: Vec::new(),
            rules: Vec::new(),
        };
        for rule in &rules {
            match action(rule) {
                Some(Action::Updates) => {
                    if let Some(m) = update_manager(t)
                        .filter(|m| !matches!(m.as_str(), "apt" | "apt-get" | "dnf" | "yum"))
                    {
                        r.manual.push((
                            Some(t.id.clone()),
                            format!("updates come from {m}, which the host-side script does not drive; install them there"),
                        ));
                        continue;
                    }
                    let (packages, complete) = update_packages(t);
                    if !complete {
                        r.manual.push((
                            Some(t.id.clone()),
                            "the finding does not list every pending package; without unattended-upgrade on the host, upgrade the rest by hand".into(),
                        ));
                    }
                    plan.packages = packages;
                    plan.actions.insert(Action::Updates);
                    plan.rules.push(rule.clone());
                }
                Some(a) => {
                    plan.actions.insert(a);
                    plan.rules.push(rule.clone());
                }
                None => r.manual.push((
                    Some(t.id.clone()),
                    format!("rule {rule} has no automatic fix; see the remediation"),
                )),
            }
        }
        if !plan.actions.is_empty() {
            r.covered.push(t.id.clone());
            plans.push(plan);
        }
    }
    if plans.is_empty() {
        return r;
    }
    let changes: Vec<String> = [
        "Runs ON each machine below (not where az runs), as root. Per rule it may:",
        "  remove permission bits and fix owners of system files (chmod, chown, chgrp);",
        "  set kernel parameters in /etc/sysctl.d/60-posture.conf, then sysctl --system;",
        "  set sshd options in /etc/ssh/sshd_config.d/00-posture.conf, test them with sshd -t",
        "  (restoring the file if the test fails), then reload sshd;",
        "  set /etc/login.defs values (the original kept as /etc/login.defs.posture-backup);",
        "  disable kernel modules in /etc/modprobe.d/60-posture.conf;",
        "  purge server packages and disable services; install and enable auditd;",
        "  make journald persistent; install pending security updates.",
        "Existing lines for the same keys are replaced, others kept; the rules per machine:",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(plans.iter().map(|p| {
        format!(
            "  {} ({}): {}",
            p.hostname,
            p.target.name,
            p.rules.join(", ")
        )
    }))
    .collect();
    let header = super::header(
        input,
        rec,
        "bash, on the host",
        &changes,
        &r,
        &[
            "Safety: a dry run unless you pass --apply: without it every change is only printed."
                .into(),
            "It runs the commands for the machine whose host name (uname -n, or --host NAME) it"
                .into(),
            "lists, refuses to apply without root, stops on unexpected errors (set -euo pipefail)"
                .into(),
            "and checks the result (sysctl -n, sshd -T). Files that already hold a value are left"
                .into(),
            "alone and installed updates are skipped, so running it again is harmless. Disabling"
                .into(),
            "password logins for sshd locks out users without a key: check first.".into(),
            String::new(),
            format!("Usage: sudo ./{name}            print the commands for this host"),
            format!("       sudo ./{name} --apply    run them"),
        ],
    );
    let mut text = String::from("#!/usr/bin/env bash\n");
    text.push_str(&super::comment_block(&header));
    text.push_str(HELPER_BASE);
    let has = |f: &dyn Fn(&Action) -> bool| plans.iter().any(|p| p.actions.iter().any(f));
    if has(&|a| {
        matches!(
            a,
            Action::Sysctl(_)
                | Action::Sshd(..)
                | Action::LoginDefs(..)
                | Action::Module(_)
                | Action::Journald
        )
    }) {
        text.push_str(HELPER_SET_LINE);
    }
    if has(&|a| matches!(a, Action::Mode { .. })) {
        text.push_str(HELPER_MODE);
    }
    if has(&|a| matches!(a, Action::Sysctl(_))) {
        text.push_str(HELPER_SYSCTL);
    }
    if has(&|a| matches!(a, Action::Sshd(..))) {
        text.push_str(HELPER_SSHD);
    }
    if has(&|a| matches!(a, Action::Module(_))) {
        text.push_str(HELPER_MODULE);
    }
    if has(&|a| matches!(a, Action::Remove { .. } | Action::Ensure(..))) {
        text.push_str(HELPER_PACKAGES);
    }
    if has(&|a| matches!(a, Action::Updates)) {
        text.push_str(HELPER_UPDATES);
    }
    for (i, p) in plans.iter().enumerate() {
        text.push_str(&format!(
            "\n# {}: {}\nfix_{}() {{\n{}}}\n",
            quote::comment(&p.hostname),
            quote::comment(&p.target.id),
            i + 1,
            host_body(p)
        ));
    }
    text.push_str("\nmatched=0\n");
    for (i, p) in plans.iter().enumerate() {
        let host = p.hostname.to_lowercase();
        text.push_str(&format!(
            "{}if [ \"${{host,,}}\" = {} ]; then\n  matched=1\n  fix_{}\nfi\n",
            quote::shellcheck_literal(&[&host]).unwrap_or_default(),
            quote::bash(&host),
            i + 1
        ));
    }
    let hosts: Vec<&str> = plans.iter().map(|p| p.hostname.as_str()).collect();
    let hosts = hosts.join(", ");
    let note = quote::shellcheck_literal(&[&hosts])
        .unwrap_or_default()
        .replace('\n', "\n  ");
    text.push_str(&format!(
        r#"if [ "$matched" -eq 0 ]; then
  {note}printf 'nothing to do on host %s: this script is for %s (pass --host NAME to pick one)\n' "$host" {} >&2
  exit 1
fi
if [ "$failures" -gt 0 ]; then
  printf '%s step(s) failed; see the errors above\n' "$failures" >&2
  exit 1
fi
if [ "$apply" -eq 1 ]; then
  echo 'done: collect a new agent snapshot and assess again to see the score rise'
else
  echo 'dry run: nothing was changed; run again with --apply (as root) to apply'
fi
"#,
        quote::bash(&hosts)
    ));
    r.text = Some(text);
    r
}

#[cfg(test)]
mod tests {
    use super::super::tests::{input, rec, target};
    use super::super::Host;
    use super::*;

    fn machine(id: &str, host: &str, family: &str, message: &str) -> Target {
        let mut t = target(id, host);
        t.kind = "Microsoft.Compute/virtualMachines".into();
        t.message = Some(message.into());
        t.host = Some(Host {
            hostname: host.into(),
            family: family.into(),
        });
        t
    }

    #[test]
    fn rule_ids_come_from_message_starts_and_fix_objects() {
        let mut t = machine("/vm", "h", "linux", "[linux-sysctl-aslr] kernel.randomize_va_space is 0, expected 2; [linux-sshd-x11-forwarding] X11Forwarding is yes, expected no; see [not-a-rule]; [linux-auditd-enabled] unknown: services not reported");
        t.fixes = vec![serde_json::json!({"rule": "linux-cups-disabled"})];
        let r = rec(None, None, vec![t.clone()]);
        assert_eq!(
            rules_of(&r, &t),
            vec![
                "linux-cups-disabled",
                "linux-sshd-x11-forwarding",
                "linux-sysctl-aslr"
            ]
        );
    }

    #[test]
    fn update_packages_come_from_the_message_and_are_checked() {
        let mut t = machine("/vm", "h", "linux", "3 security or critical updates pending (apt): libc6 2.36-9+deb12u9, openssl 3.0.15-1~deb12u1, $(evil) 1");
        assert_eq!(update_manager(&t).as_deref(), Some("apt"));
        let (p, complete) = update_packages(&t);
        assert_eq!(p, vec!["libc6", "openssl"]);
        assert!(!complete);
        t.message = Some("12 security updates pending: a 1, b 2 and 10 more".into());
        assert_eq!(update_packages(&t), (vec!["a".into(), "b".into()], false));
        t.fixes = vec![serde_json::json!({"packages": ["zlib1g", "-x"]})];
        assert_eq!(update_packages(&t), (vec!["zlib1g".into()], false));
    }

    #[test]
    fn a_host_script_for_linux_and_manual_entries_for_the_rest() {
        let linux = machine(
            "/vm/linux",
            "Web-01",
            "linux",
            "[linux-sysctl-aslr] x; [linux-sshd-permit-root-login] y; [linux-root-only-uid0] z",
        );
        let win = machine("/vm/win", "win-01", "windows", "[windows-smb1-disabled] x");
        let mut r = rec(None, None, vec![linux, win]);
        r.machines = true;
        r.id = "machine-os-baseline".into();
        assert!(applies(&r));
        let i = input(r);
        let out = render(&i, &i.recommendations[0], "m.host.sh");
        assert_eq!(out.covered, vec!["/vm/linux"]);
        assert_eq!(out.manual.len(), 2, "{:?}", out.manual);
        let text = out.text.unwrap();
        assert!(text.contains("  set_line /etc/sysctl.d/60-posture.conf kernel.randomize_va_space 'kernel.randomize_va_space = 2'\n"));
        assert!(text.contains("  sshd_settings 'PermitRootLogin no'\n"));
        assert!(text.contains("if [ \"${host,,}\" = 'web-01' ]; then"));
        assert!(!text.contains("fix_mode()"), "unused helpers are left out");
    }

    #[test]
    fn updates_use_the_named_packages() {
        let t = machine(
            "/vm",
            "db",
            "linux",
            "1 security or critical update pending (apt): openssl 3.0.15",
        );
        let mut r = rec(None, None, vec![t]);
        r.machines = true;
        r.id = UPDATES_POLICY.into();
        assert!(applies(&r));
        let i = input(r);
        let out = render(&i, &i.recommendations[0], "u.host.sh");
        assert!(out.manual.is_empty(), "{:?}", out.manual);
        assert!(out.text.unwrap().contains("  security_updates 'openssl'\n"));
    }

    #[test]
    fn machine_policies_without_rules_get_no_host_script() {
        let t = machine(
            "/vm",
            "db",
            "linux",
            "the agent has not reported for 3 days",
        );
        let mut r = rec(None, None, vec![t]);
        r.machines = true;
        r.id = "machine-agent-health".into();
        assert!(!applies(&r));
    }
}
