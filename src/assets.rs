//! The bundled policy library and JSON Schemas, embedded at build time by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The text of an embedded schema, by file stem (`inventory`, `config`, `report`, ...).
pub fn schema(name: &str) -> Option<&'static str> {
    let file = format!("{name}.schema.json");
    SCHEMA_FILES
        .iter()
        .find(|(path, _)| *path == file)
        .map(|(_, text)| *text)
}

/// The text of an embedded file of `policies/`, by relative path.
pub fn policy_file(path: &str) -> Option<&'static str> {
    POLICY_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_equal_the_folders() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (dir, files) in [("policies", POLICY_FILES), ("schemas", SCHEMA_FILES)] {
            let mut on_disk: Vec<String> = walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| {
                    let rel = e.path().strip_prefix(root.join(dir)).ok()?;
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    (!rel.starts_with('.') && !rel.contains("/.")).then_some(rel)
                })
                .collect();
            on_disk.sort();
            let embedded: Vec<String> = files.iter().map(|(p, _)| (*p).to_string()).collect();
            assert_eq!(embedded, on_disk, "{dir}/ and the embedded copy differ");
        }
    }
}
