//! Tests of file discovery: order, extensions, configs, symlinks, special files.

use std::path::{Path, PathBuf};

use super::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load/mixed")
}

fn names(found: &[Discovered], root: &Path) -> Vec<String> {
    found
        .iter()
        .map(|d| {
            d.path
                .strip_prefix(root)
                .unwrap_or(&d.path)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn walks_folders_recursively_in_path_order_and_sets_aside_configs() {
    let root = fixture();
    let mut problems = Problems::default();
    let (found, configs) = discover(std::slice::from_ref(&root), &mut problems);
    assert!(problems.is_empty(), "{:?}", problems.all());
    assert_eq!(
        names(&found, &root),
        [
            "arg-data.json",
            "sub/arm-list.json",
            "sub/vms.yaml",
            "webapps.ndjson"
        ]
    );
    let formats: Vec<Format> = found.iter().map(|d| d.format).collect();
    assert_eq!(
        formats,
        [Format::Json, Format::Json, Format::Yaml, Format::Ndjson]
    );
    assert_eq!(configs, [root.join("posture.yaml")]);
    assert_eq!(
        found[1].display,
        root.join("sub/arm-list.json").display().to_string()
    );
}

#[test]
fn recognises_every_extension_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "a.JSON",
        "b.yml",
        "c.YAML",
        "d.jsonl",
        "e.ndjson",
        "f.txt",
        "posture.yml",
    ] {
        write(&dir.path().join(name), "[]");
    }
    let mut problems = Problems::default();
    let (found, configs) = discover(&[dir.path().to_path_buf()], &mut problems);
    assert_eq!(
        names(&found, dir.path()),
        ["a.JSON", "b.yml", "c.YAML", "d.jsonl", "e.ndjson"]
    );
    assert_eq!(configs.len(), 1);
}

#[test]
fn explicit_files_are_taken_with_any_extension_and_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("export.txt");
    let yaml = dir.path().join("export");
    let bom_json = dir.path().join("bom.out");
    write(&json, "\n  [ {\"id\": \"x\"} ]");
    write(&yaml, "- id: x\n");
    std::fs::write(&bom_json, b"\xEF\xBB\xBF{\"value\": []}").unwrap();
    let config = dir.path().join("posture.yaml");
    write(&config, "- id: x\n");
    let mut problems = Problems::default();
    let (found, configs) = discover(&[json, yaml, bom_json, config.clone()], &mut problems);
    assert!(problems.is_empty());
    let formats: Vec<(String, Format)> = found
        .iter()
        .map(|d| {
            (
                names(std::slice::from_ref(d), dir.path()).remove(0),
                d.format,
            )
        })
        .collect();
    assert_eq!(
        formats,
        [
            ("bom.out".to_string(), Format::Json),
            ("export".to_string(), Format::Yaml),
            ("export.txt".to_string(), Format::Json),
            ("posture.yaml".to_string(), Format::Yaml),
        ]
    );
    // A config file named explicitly is read as an inventory: the user asked for it.
    assert!(configs.is_empty());
}

#[test]
fn missing_paths_are_errors_naming_them() {
    let mut problems = Problems::default();
    let (found, _) = discover(&[PathBuf::from("no/such/inventory.json")], &mut problems);
    assert!(found.is_empty());
    let errors = problems.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, codes::NOT_FOUND);
    assert!(errors[0].message.contains("no/such/inventory.json"));
    assert_eq!(errors[0].file(), Some("no/such/inventory.json"));
}

#[test]
fn the_same_file_reached_twice_is_read_once() {
    let root = fixture();
    let mut problems = Problems::default();
    let (found, _) = discover(
        &[
            root.join("webapps.ndjson"),
            root.clone(),
            root.join("webapps.ndjson"),
        ],
        &mut problems,
    );
    assert_eq!(found.len(), 4);
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_folder() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("secret.json"), "[]");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("real/a.json"), "[]");
    symlink(outside.path().join("secret.json"), root.join("out.json")).unwrap();
    symlink(outside.path(), root.join("outdir")).unwrap();
    symlink(root, root.join("real/loop")).unwrap();
    symlink(root.join("real/a.json"), root.join("alias.json")).unwrap();
    symlink(root.join("gone.json"), root.join("dangling.json")).unwrap();
    symlink(root.join("gone.txt"), root.join("dangling.txt")).unwrap();
    let mut problems = Problems::default();
    let (found, _) = discover(&[root.to_path_buf()], &mut problems);
    // The link to a file inside is the same file as real/a.json: read once, in path order.
    assert_eq!(names(&found, root), ["alias.json"]);
    let warnings = problems.warnings();
    let codes_and_files: Vec<(&str, String)> = warnings
        .iter()
        .map(|p| (p.code, p.file().unwrap_or_default().to_string()))
        .collect();
    assert_eq!(
        codes_and_files,
        [
            (
                codes::SYMLINK_OUTSIDE,
                root.join("out.json").display().to_string()
            ),
            (
                codes::SYMLINK_OUTSIDE,
                root.join("outdir").display().to_string()
            ),
        ]
    );
    let errors = problems.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, codes::NOT_FOUND);
    assert!(errors[0].message.contains("dangling.json"));
}

#[cfg(unix)]
#[test]
fn explicitly_named_links_are_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("inv/x.json"), "[]");
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("inv");
    symlink(outside.path().join("inv"), &link).unwrap();
    let mut problems = Problems::default();
    let (found, _) = discover(std::slice::from_ref(&link), &mut problems);
    assert!(problems.is_empty());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].display, link.join("x.json").display().to_string());
}

#[cfg(unix)]
#[test]
fn fifos_are_not_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // No mkfifo on this machine.
    }
    for path in [fifo.clone(), dir.path().to_path_buf()] {
        let mut problems = Problems::default();
        let (found, _) = discover(&[path], &mut problems);
        assert!(found.is_empty());
        let errors = problems.errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, codes::NOT_A_FILE);
        assert!(errors[0].message.contains("FIFO"), "{}", errors[0].message);
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_errors_with_the_os_reason() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    write(&locked.join("a.json"), "[]");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = std::fs::read_dir(&locked).is_ok(); // root ignores modes
    let mut problems = Problems::default();
    let (found, _) = discover(&[dir.path().to_path_buf()], &mut problems);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable_anyway {
        assert_eq!(found.len(), 1);
        return;
    }
    assert!(found.is_empty());
    let errors = problems.errors();
    assert_eq!(errors[0].code, codes::IO);
    assert!(
        errors[0].message.contains("ermission denied"),
        "{}",
        errors[0].message
    );
}
