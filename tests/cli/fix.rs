//! `posture fix` end to end: hostile names run through the bash scripts against a fake `az`,
//! a PowerShell tokenizer over the same fixture, host-side scripts applied in a scratch root
//! with fake system commands, snapshots of the examples' scripts and index, and the folder
//! rules (no overwrite without --force, executable scripts).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{fixture, have, posture, root, snapshot, Run};

const NOW: &str = "2026-11-26T00:00:00Z";

fn run_strs(args: &[String]) -> Run {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    posture(&a)
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `posture fix` over the hostile fixture (or a twin of its inventory) into `out`.
fn fix_hostile(inventory: &Path, out: &Path, extra: &[&str]) -> Run {
    let f = fixture("fix-hostile");
    let mut args = vec![
        "fix".to_string(),
        s(inventory),
        "--config".into(),
        s(&f.join("posture.yaml")),
        "--no-default-policies".into(),
        "--policies".into(),
        s(&f.join("policies")),
        "--now".into(),
        NOW.into(),
        "--out".into(),
        s(out),
    ];
    args.extend(extra.iter().map(|x| x.to_string()));
    run_strs(&args)
}

fn write_exec(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn bash(script: &Path, args: &[&str], cwd: &Path, env: &[(&str, String)]) -> Output {
    let mut c = Command::new("bash");
    c.arg(script).args(args).current_dir(cwd);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every bash script in `dir` parses (`bash -n`) and, when shellcheck is installed, passes
/// it with no finding at all.
fn check_bash_scripts(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "sh") {
            n += 1;
            let o = Command::new("bash").arg("-n").arg(&p).output().unwrap();
            assert!(o.status.success(), "{}: {}", p.display(), text(&o.stderr));
            if have("shellcheck") {
                let o = Command::new("shellcheck").arg(&p).output().unwrap();
                assert!(o.status.success(), "{}:\n{}", p.display(), text(&o.stdout));
            }
        }
    }
    n
}

/// Files anywhere under `dir` whose name starts with `pwned`: what an injected command makes.
fn pwned(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("pwned"))
            {
                found.push(p);
            }
        }
    }
    found
}

/// The fake az: records each call as its argument count then its arguments, NUL-separated
/// (the only byte no argument can hold), so the record is exact whatever the arguments are.
const FAKE_AZ: &str =
    "#!/usr/bin/env bash\n{ printf '%s\\0' \"$#\"; printf '%s\\0' \"$@\"; } >>\"$AZ_LOG\"\n";

fn parse_az_log(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut fields = bytes
        .split(|b| *b == 0)
        .map(|f| String::from_utf8(f.to_vec()).unwrap());
    let mut calls = Vec::new();
    while let Some(n) = fields.next() {
        if n.is_empty() {
            break;
        }
        let n: usize = n.parse().unwrap();
        calls.push((0..n).map(|_| fields.next().unwrap()).collect());
    }
    calls
}

/// The az calls the bash script must make: for each resource it covers (in its order),
/// the subscription, then per fix value the update, and the lock once.
fn expected_az_calls(inventory: &Path, report: &Value, covered: &[Value]) -> Vec<Vec<String>> {
    let inv: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(inventory).unwrap()).unwrap();
    let rec = &report["recommendations"][0];
    let mut calls = Vec::new();
    let v = |x: &Value| x.as_str().unwrap().to_string();
    for id in covered {
        let r = inv.iter().find(|r| &r["id"] == id).unwrap();
        let finding = rec["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| &x["id"] == id)
            .unwrap();
        let az = |a: &[&str], rest: Vec<String>| {
            let mut c: Vec<String> = a.iter().map(|x| x.to_string()).collect();
            c.extend(rest);
            c
        };
        calls.push(az(
            &["az", "account", "set", "--subscription"],
            vec![v(&r["subscriptionId"])],
        ));
        let lock = az(
            &["az", "widget", "lock", "--ids"],
            vec![v(id), "--mode".into(), "read only".into()],
        );
        let mut mine: Vec<Vec<String>> = Vec::new();
        for fix in finding["fixes"].as_array().unwrap() {
            let update = az(
                &["az", "widget", "update", "--ids"],
                vec![
                    v(id),
                    format!("--name={}", v(&r["name"])),
                    "--group".into(),
                    v(&r["resourceGroup"]),
                    "--sub".into(),
                    v(&r["subscriptionId"]),
                    "--kind".into(),
                    v(&r["type"]),
                    "--where".into(),
                    v(&r["location"]),
                    "--label".into(),
                    v(&fix["label"]),
                ],
            );
            for c in [update, lock.clone()] {
                if !mine.contains(&c) {
                    mine.push(c);
                }
            }
        }
        calls.extend(mine);
    }
    calls
}

#[test]
fn hostile_names_reach_az_as_exact_arguments_and_nothing_injected_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let work = tmp.path().join("work");
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    let inventory = fixture("fix-hostile/inventory.json");
    let run = fix_hostile(&inventory, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(check_bash_scripts(&out), 1);

    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fixes.json")).unwrap()).unwrap();
    let rec = &index["recommendations"][0];
    assert_eq!(rec["exemptLeftOut"], 1);
    let bash_script = rec["scripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["shell"] == "bash")
        .unwrap();
    let covered = bash_script["resources"].as_array().unwrap();
    assert_eq!(covered.len(), 2, "{bash_script:#}");
    let manual = serde_json::to_string(&rec["manual"]).unwrap();
    assert!(manual.contains("read as an option"), "{manual}");
    assert!(manual.contains("NUL"), "{manual}");
    let script = out.join("hostile-widget-locked.sh");
    let body = std::fs::read_to_string(&script).unwrap();
    assert!(
        !body.contains("exempt-widget"),
        "exempt resources are never included"
    );

    let f = fixture("fix-hostile");
    let report = posture(&[
        "assess",
        &s(&inventory),
        "--config",
        &s(&f.join("posture.yaml")),
        "--no-default-policies",
        "--policies",
        &s(&f.join("policies")),
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    let report: Value = serde_json::from_str(&report.stdout).unwrap();
    let expected = expected_az_calls(&inventory, &report, covered);
    assert_eq!(expected.len(), 7);

    write_exec(&bin.join("az"), FAKE_AZ);
    let log = tmp.path().join("az.log");
    let path = format!("{}:{}", s(&bin), std::env::var("PATH").unwrap());
    let env = [("PATH", path.clone()), ("AZ_LOG", s(&log))];

    // Dry run: az is never called, and each printed command reads back (through bash's own
    // parser, in the scratch folder) as exactly the arguments --apply passes.
    let o = bash(&script, &[], &work, &env);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!log.exists(), "a dry run called az");
    let printed: Vec<&str> = std::str::from_utf8(&o.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("would run: "))
        .collect();
    assert_eq!(printed.len(), expected.len());
    for (line, want) in printed.iter().zip(&expected) {
        let o = Command::new("bash")
            .arg("-c")
            .arg(format!("printf '%s\\0' {line}"))
            .current_dir(&work)
            .output()
            .unwrap();
        let got: Vec<String> = text(&o.stdout)
            .split_terminator('\0')
            .map(str::to_string)
            .collect();
        assert_eq!(&got, want);
    }

    // --apply: the recorded arguments are exactly the expected ones, in order.
    let o = bash(&script, &["--apply"], &work, &env);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let calls = parse_az_log(&std::fs::read(&log).unwrap());
    let want: Vec<Vec<String>> = expected.iter().map(|c| c[1..].to_vec()).collect();
    assert!(expected.iter().all(|c| c[0] == "az"));
    assert_eq!(calls, want);
    assert!(pwned(tmp.path()).is_empty(), "{:?}", pwned(tmp.path()));
    assert!(pwned(&root().join("tests")).is_empty());

    // Without az on PATH, --apply refuses before doing anything.
    let o = bash(
        &script,
        &["--apply"],
        &work,
        &[("PATH", "/usr/bin:/bin".into()), ("AZ_LOG", s(&log))],
    );
    if !Path::new("/usr/bin/az").exists() && !Path::new("/bin/az").exists() {
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o.stderr).contains("not on PATH"));
    }
}

/// A PowerShell token, as PowerShell's tokenizer sees the script: a single-quoted (verbatim)
/// string with its value, a comment, or any other code.
#[derive(Debug, Clone, PartialEq)]
enum PsTok {
    Code(String),
    Str(String),
    Comment,
}

/// PowerShell treats the typographic quotes as quotes too.
const PS_SQ: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];
const PS_DQ: [char; 4] = ['"', '\u{201C}', '\u{201D}', '\u{201E}'];

/// Splits a script into verbatim strings (two single-quote characters in a row are one
/// quote), comments (`#` to the end of the line) and code; double-quoted strings, which
/// expand, stay code.
fn ps_tokens(script: &str) -> Vec<PsTok> {
    let mut out = Vec::new();
    let mut code = String::new();
    let mut chars = script.chars().peekable();
    let flush = |code: &mut String, out: &mut Vec<PsTok>| {
        if !code.is_empty() {
            out.push(PsTok::Code(std::mem::take(code)));
        }
    };
    while let Some(c) = chars.next() {
        if c == '#' {
            flush(&mut code, &mut out);
            while chars.peek().is_some_and(|n| *n != '\n') {
                chars.next();
            }
            out.push(PsTok::Comment);
        } else if PS_SQ.contains(&c) {
            flush(&mut code, &mut out);
            let mut v = String::new();
            loop {
                match chars.next() {
                    None => panic!("unterminated string: {v:?}"),
                    Some(q) if PS_SQ.contains(&q) => {
                        if chars.peek().is_some_and(|n| PS_SQ.contains(n)) {
                            v.push(chars.next().unwrap());
                        } else {
                            break;
                        }
                    }
                    Some(x) => v.push(x),
                }
            }
            out.push(PsTok::Str(v));
        } else if PS_DQ.contains(&c) {
            code.push(c);
            loop {
                let x = chars.next().expect("unterminated double-quoted string");
                code.push(x);
                if x == '`' {
                    code.push(chars.next().unwrap());
                } else if PS_DQ.contains(&x) {
                    if chars.peek().is_some_and(|n| PS_DQ.contains(n)) {
                        code.push(chars.next().unwrap());
                    } else {
                        break;
                    }
                }
            }
        } else if c == '`' {
            code.push(c);
            if let Some(n) = chars.next() {
                code.push(n);
            }
        } else {
            code.push(c);
        }
    }
    flush(&mut code, &mut out);
    out
}

/// The script's structure: code verbatim, strings and comments as markers.
fn skeleton(tokens: &[PsTok]) -> Vec<String> {
    tokens
        .iter()
        .map(|t| match t {
            PsTok::Code(c) => c.clone(),
            PsTok::Str(_) => "<string>".into(),
            PsTok::Comment => "<comment>".into(),
        })
        .collect()
}

/// The hostile inventory with plain values in the same places and the same order.
fn benign_twin(hostile: &Path, dir: &Path) -> PathBuf {
    let mut inv: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(hostile).unwrap()).unwrap();
    for r in &mut inv {
        let id = r["id"].as_str().unwrap().to_string();
        let twin = if id.starts_with("/subscriptions/s2/") {
            "a"
        } else if id.starts_with("/subscriptions/sub ") {
            "b"
        } else {
            continue;
        };
        let sub = if twin == "a" { "s2" } else { "sub-b" };
        r["id"] =
            format!("/subscriptions/{sub}/resourceGroups/rg/providers/Contoso.Test/widgets/{twin}")
                .into();
        r["name"] = twin.into();
        r["subscriptionId"] = sub.into();
        r["resourceGroup"] = "rg".into();
        r["location"] = "westeurope".into();
        for k in ["label", "label2"] {
            if r["properties"].get(k).is_some() {
                r["properties"][k] = format!("{k}-{twin}").into();
            }
        }
    }
    let path = dir.join("benign.json");
    std::fs::write(&path, serde_json::to_string_pretty(&inv).unwrap()).unwrap();
    path
}

#[test]
fn hostile_powershell_values_are_single_literal_tokens_and_never_code() {
    let tmp = tempfile::tempdir().unwrap();
    let hostile = fixture("fix-hostile/inventory.json");
    let run = fix_hostile(&hostile, &tmp.path().join("h"), &["--shell", "powershell"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let twin = benign_twin(&hostile, tmp.path());
    let run = fix_hostile(&twin, &tmp.path().join("b"), &["--shell", "powershell"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let name = "hostile-widget-locked.ps1";
    let h = std::fs::read_to_string(tmp.path().join("h").join(name)).unwrap();
    let b = std::fs::read_to_string(tmp.path().join("b").join(name)).unwrap();
    assert!(!tmp.path().join("h/hostile-widget-locked.sh").exists());
    let (ht, bt) = (ps_tokens(&h), ps_tokens(&b));

    // Same code, same number of strings and comments: nothing outside the quotes depends on
    // the values, so no value became code and no newline ended a comment.
    assert_eq!(skeleton(&ht), skeleton(&bt));
    for t in &ht {
        if let PsTok::Code(c) = t {
            for bad in [
                "pwned",
                "touch",
                "Remove-Item",
                "Invoke-Expression",
                "\u{202e}",
            ] {
                assert!(!c.contains(bad), "{bad} in code: {c:?}");
            }
        }
    }
    // Each value is exactly one string token, whole.
    let strings: Vec<&str> = ht
        .iter()
        .filter_map(|t| match t {
            PsTok::Str(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    let inv: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&hostile).unwrap()).unwrap();
    for r in inv.iter().filter(|r| {
        let id = r["id"].as_str().unwrap();
        id.starts_with("/subscriptions/s2/") || id.starts_with("/subscriptions/sub ")
    }) {
        let mut values = vec![
            &r["id"],
            &r["name"],
            &r["subscriptionId"],
            &r["resourceGroup"],
            &r["location"],
            &r["type"],
            &r["properties"]["label"],
        ];
        if let Some(l) = r["properties"].get("label2") {
            values.push(l);
        }
        for v in values {
            let v = v.as_str().unwrap();
            assert!(strings.contains(&v), "{v:?} is not one string token");
        }
    }

    if have("pwsh") {
        let o = Command::new("pwsh")
            .args(["-NoProfile", "-NonInteractive", "-File"])
            .arg(tmp.path().join("h").join(name))
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(
            text(&o.stdout).matches("would run: ").count(),
            h.matches("\nInvoke-PostureStep { ").count()
        );
        assert!(pwned(tmp.path()).is_empty());
    }
}

#[test]
fn examples_scripts_and_index() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fixes");
    let run = posture(&["fix", "examples", "--now", NOW, "--out", &s(&out)]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    snapshot("fix__examples_stdout", &run.stdout, Some(tmp.path()));
    assert!(check_bash_scripts(&out) > 10);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in &names {
        let path = out.join(n);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        let script = n.ends_with(".sh") || n.ends_with(".ps1");
        assert_eq!(mode & 0o100 != 0, script, "{n}: mode {mode:o}");
        assert_eq!(mode & 0o022, 0, "{n}: writable by others");
        snapshot(
            &format!("fix__examples__{n}"),
            &std::fs::read_to_string(&path).unwrap(),
            Some(tmp.path()),
        );
    }
    assert!(names.contains(&"README.md".to_string()));
    assert!(names.contains(&"fixes.json".to_string()));

    // The same assessment written as a report first gives the same files.
    let report = tmp.path().join("report.json");
    let run = posture(&[
        "assess",
        "examples",
        "--now",
        NOW,
        "-f",
        "json",
        "-o",
        &s(&report),
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    let again = tmp.path().join("from-report");
    let run = posture(&["fix", "--report", &s(&report), "--out", &s(&again)]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    for n in &names {
        assert_eq!(
            std::fs::read(out.join(n)).unwrap(),
            std::fs::read(again.join(n)).unwrap(),
            "{n} differs when made from the report"
        );
    }
}

#[test]
fn existing_files_are_kept_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fixes");
    let args = [
        "fix",
        "examples",
        "--now",
        NOW,
        "--policy",
        "storage-minimum-tls",
        "--out",
    ];
    let mut a: Vec<&str> = args.to_vec();
    let o = s(&out);
    a.push(&o);
    assert_eq!(posture(&a).code, 0);
    let script = out.join("storage-minimum-tls.sh");
    std::fs::write(&script, "edited by hand\n").unwrap();
    let run = posture(&a);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&script).unwrap(),
        "edited by hand\n"
    );
    a.push("--force");
    assert_eq!(posture(&a).code, 0);
    assert!(std::fs::read_to_string(&script)
        .unwrap()
        .starts_with("#!/usr/bin/env bash"));
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn selection_by_shell_policy_and_severity() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let run = posture(&[
        "fix",
        "examples",
        "--now",
        NOW,
        "--out",
        &s(&out),
        "--shell",
        "bash",
        "--severity",
        "high",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fixes.json")).unwrap()).unwrap();
    for r in index["recommendations"].as_array().unwrap() {
        assert_eq!(r["severity"], "High");
        for x in r["scripts"].as_array().unwrap() {
            assert_eq!(x["shell"], "bash");
        }
    }
    assert!(!std::fs::read_dir(&out).unwrap().any(|e| e
        .unwrap()
        .path()
        .extension()
        .is_some_and(|x| x == "ps1")));

    let out = tmp.path().join("b");
    let run = posture(&[
        "fix",
        "examples",
        "--now",
        NOW,
        "--out",
        &s(&out),
        "--policy",
        "sql-minimum-tls",
        "--policy",
        "nic-ip-forwarding",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "README.md",
            "fixes.json",
            "nic-ip-forwarding.ps1",
            "nic-ip-forwarding.sh",
            "sql-minimum-tls.ps1",
            "sql-minimum-tls.sh"
        ]
    );

    let run = posture(&[
        "fix",
        "examples",
        "--now",
        NOW,
        "--out",
        &s(&tmp.path().join("c")),
        "--policy",
        "sql-minimum-tsl",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `sql-minimum-tls`"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("c").exists());

    let run = posture(&["fix", "--out", &s(&tmp.path().join("d"))]);
    assert_eq!(run.code, 2, "inputs or --report are required");
}

/// One program standing in for every system command the host scripts call: it records what
/// it is asked to do and keeps the state (packages, services, modules) in files.
const FAKE_SYSTEM: &str = r#"#!/usr/bin/env bash
set -u
name=${0##*/}
log() { printf '%s\n' "$name $*" >>"$FAKE_LOG"; }
case $name in
  sysctl)
    if [ "${1-}" = -n ]; then
      sed -n "s/^$2 = //p" "$POSTURE_FIX_ROOT/etc/sysctl.d/60-posture.conf"
      exit 0
    fi
    log "$@" ;;
  sshd)
    if [ "${1-}" = -T ]; then
      tr '[:upper:]' '[:lower:]' <"$POSTURE_FIX_ROOT/etc/ssh/sshd_config.d/00-posture.conf"
      exit 0
    fi
    log "$@"
    [ -z "${FAKE_SSHD_FAIL-}" ] ;;
  systemctl)
    case ${1-} in
      is-enabled) [ -e "$FAKE_STATE/enabled-$3" ]; exit ;;
      is-active) [ -e "$FAKE_STATE/active-$3" ]; exit ;;
      cat) exit 0 ;;
      disable) rm -f "$FAKE_STATE/enabled-$3" "$FAKE_STATE/active-$3" ;;
      enable) touch "$FAKE_STATE/enabled-$3" "$FAKE_STATE/active-$3" ;;
    esac
    log "$@" ;;
  dpkg-query)
    if [ -e "$FAKE_STATE/pkg-${!#}" ]; then printf 'install ok installed'; exit 0; fi
    exit 1 ;;
  apt-get)
    case ${1-} in
      purge) rm -f "$FAKE_STATE/pkg-${!#}" ;;
      install) touch "$FAKE_STATE/pkg-${!#}" ;;
    esac
    log "$@" ;;
  modprobe)
    rmdir "$POSTURE_FIX_ROOT/sys/module/${2//-/_}"
    log "$@" ;;
  *) log "$@" ;;
esac
"#;

/// A scratch root with the files the web-01 findings are about, and fake system commands.
fn scratch_host(dir: &Path) -> (PathBuf, Vec<(&'static str, String)>) {
    let root = dir.join("root");
    let state = dir.join("state");
    let bin = dir.join("bin");
    for d in ["etc/ssh", "sys/module/usb_storage"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::create_dir_all(&state).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    for (f, text, mode) in [
        ("etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640),
        ("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o664),
        (
            "etc/login.defs",
            "# login.defs\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nUMASK\t\t022\n",
            0o644,
        ),
        (
            "etc/ssh/sshd_config",
            "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n",
            0o644,
        ),
    ] {
        std::fs::write(root.join(f), text).unwrap();
        std::fs::set_permissions(root.join(f), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    for f in [
        "pkg-telnetd",
        "enabled-telnet.socket",
        "active-telnet.socket",
        "enabled-avahi-daemon.service",
        "active-avahi-daemon.service",
    ] {
        std::fs::write(state.join(f), "").unwrap();
    }
    let fake = bin.join("fake-system");
    write_exec(&fake, FAKE_SYSTEM);
    for n in [
        "sysctl",
        "sshd",
        "systemctl",
        "dpkg-query",
        "apt-get",
        "unattended-upgrade",
        "modprobe",
        "chown",
        "chgrp",
    ] {
        std::os::unix::fs::symlink(&fake, bin.join(n)).unwrap();
    }
    let env = vec![
        (
            "PATH",
            format!("{}:{}", s(&bin), std::env::var("PATH").unwrap()),
        ),
        ("POSTURE_FIX_ROOT", s(&root)),
        ("FAKE_STATE", s(&state)),
        ("FAKE_LOG", s(&dir.join("log"))),
    ];
    (root, env)
}

/// Every file under `dir` with its mode and bytes.
fn tree(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
                out.insert(
                    s(p.strip_prefix(dir).unwrap()),
                    (mode, std::fs::read(&p).unwrap()),
                );
            }
        }
    }
    out
}

fn fix_host(out: &Path) -> Run {
    let f = fixture("fix-host");
    posture(&[
        "fix",
        &s(&f.join("inventory.json")),
        "--agents",
        &s(&f.join("agents")),
        "--no-default-policies",
        "--policies",
        &s(&f.join("policies")),
        "--now",
        NOW,
        "--out",
        &s(out),
    ])
}

#[test]
fn host_scripts_apply_once_and_then_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = fix_host(&out);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(check_bash_scripts(&out), 2);
    let index = std::fs::read_to_string(out.join("fixes.json")).unwrap();
    assert!(
        index.contains("rule linux-root-only-uid0 has no automatic fix"),
        "{index}"
    );
    assert!(
        index.contains("host-side fixes cover Linux only"),
        "{index}"
    );
    assert!(
        !index.contains("linux-sshd-x11-forwarding"),
        "unknown findings are not fixed"
    );
    snapshot(
        "fix__host_os_baseline",
        &std::fs::read_to_string(out.join("machine-os-baseline.host.sh")).unwrap(),
        None,
    );
    snapshot(
        "fix__host_index",
        &std::fs::read_to_string(out.join("README.md")).unwrap(),
        None,
    );

    let scratch = tmp.path().join("host");
    let (root, env) = scratch_host(&scratch);
    let log = scratch.join("log");
    let script = out.join("machine-os-baseline.host.sh");
    let before = tree(&root);

    // A dry run prints and changes nothing.
    let o = bash(&script, &["--host", "web-01"], &scratch, &env);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("would run: chmod 400 "), "{stdout}");
    assert!(
        stdout.contains("would set in /etc/login.defs: UMASK 027"),
        "{stdout}"
    );
    assert_eq!(tree(&root), before);
    assert!(!log.exists());

    // A host the script is not for: nothing runs.
    let o = bash(&script, &["--host", "other"], &scratch, &env);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("this script is for DB-01, web-01"),
        "{}",
        text(&o.stderr)
    );

    let o = bash(&script, &["--apply", "--host", "WEB-01"], &scratch, &env);
    assert!(
        o.status.success(),
        "{}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let first = std::fs::read_to_string(&log).unwrap();
    for want in [
        "sysctl --system",
        "sshd -t",
        "systemctl reload ssh",
        "modprobe -r usb-storage",
        "systemctl disable --now avahi-daemon.service",
        "apt-get purge -y telnetd",
        "systemctl disable --now telnet.socket",
        "apt-get install -y auditd",
        "systemctl enable --now auditd",
        "systemctl restart systemd-journald",
    ] {
        assert!(first.lines().any(|l| l == want), "{want} not in:\n{first}");
    }
    let after = tree(&root);
    assert_eq!(after["etc/shadow"].0, 0o400);
    assert_eq!(after["etc/passwd"].0, 0o644);
    let read = |f: &str| String::from_utf8(after[f].1.clone()).unwrap();
    assert_eq!(
        read("etc/sysctl.d/60-posture.conf"),
        "kernel.randomize_va_space = 2\nnet.ipv4.ip_forward = 0\n"
    );
    assert_eq!(
        read("etc/ssh/sshd_config.d/00-posture.conf"),
        "MaxAuthTries 4\nPermitRootLogin no\n"
    );
    assert_eq!(
        read("etc/login.defs"),
        "# login.defs\nPASS_MAX_DAYS 365\nPASS_MIN_DAYS\t0\nUMASK 027\n"
    );
    assert_eq!(
        read("etc/login.defs.posture-backup"),
        String::from_utf8(before["etc/login.defs"].1.clone()).unwrap()
    );
    assert_eq!(read("etc/modprobe.d/60-posture.conf"), "install cramfs /bin/false\nblacklist cramfs\ninstall usb-storage /bin/false\nblacklist usb-storage\n");
    assert_eq!(
        read("etc/systemd/journald.conf.d/60-posture.conf"),
        "[Journal]\nStorage=persistent\n"
    );

    // Twice is harmless: the second run changes no file and runs no command that changes
    // anything (a non-root test user still sees files it owns, so chown is asked again).
    std::fs::remove_file(&log).unwrap();
    let o = bash(&script, &["--apply", "--host", "web-01"], &scratch, &env);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(tree(&root), after);
    let second = std::fs::read_to_string(&log).unwrap_or_default();
    let changes: Vec<&str> = second
        .lines()
        .filter(|l| !l.starts_with("chown ") && !l.starts_with("chgrp "))
        .collect();
    assert!(changes.is_empty(), "{second}");
    assert!(text(&o.stdout)
        .contains("unchanged: /etc/sysctl.d/60-posture.conf has kernel.randomize_va_space = 2"));

    // Updates: unattended-upgrade when present.
    let o = bash(
        &out.join("machine-system-updates.host.sh"),
        &["--apply", "--host", "web-01"],
        &scratch,
        &env,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("apt-get update\nunattended-upgrade -v\n"),
        "{log_text}"
    );
    let body = std::fs::read_to_string(out.join("machine-system-updates.host.sh")).unwrap();
    assert!(body.contains("  security_updates 'libc6' 'openssl'\n"));
}

#[test]
fn a_rejected_sshd_configuration_is_put_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(fix_host(&out).code, 0);
    let scratch = tmp.path().join("host");
    let (root, mut env) = scratch_host(&scratch);
    env.push(("FAKE_SSHD_FAIL", "1".into()));
    let o = bash(
        &out.join("machine-os-baseline.host.sh"),
        &["--apply", "--host", "web-01"],
        &scratch,
        &env,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("sshd -t rejected the configuration"),
        "{}",
        text(&o.stderr)
    );
    assert!(!root.join("etc/ssh/sshd_config.d/00-posture.conf").exists());
    let log = std::fs::read_to_string(scratch.join("log")).unwrap();
    assert!(!log.contains("systemctl reload"), "{log}");
}
