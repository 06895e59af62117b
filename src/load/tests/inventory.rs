//! Tests of inventory loading: shapes, derived scopes, duplicates, errors that do not stop
//! the run.

use std::path::{Path, PathBuf};

use super::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load/mixed")
}

fn load(paths: &[PathBuf]) -> (Inventory, Vec<PathBuf>, SourceMap, Problems) {
    let mut sources = SourceMap::default();
    let mut problems = Problems::default();
    let (inv, configs) = load_inventory(paths, &mut sources, &mut problems);
    (inv, configs, sources, problems)
}

/// Writes files into a temporary folder and loads the folder.
fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Inventory, SourceMap, Problems) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (inv, _, sources, problems) = load(&[dir.path().to_path_buf()]);
    (dir, inv, sources, problems)
}

fn ids(inv: &Inventory) -> Vec<&str> {
    inv.resources.iter().map(|r| r.id.as_ref()).collect()
}

fn brief(p: &Problem) -> String {
    let file = p.file().unwrap_or("");
    let name = Path::new(file)
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    format!(
        "{name}:{}:{}: {}",
        p.line().unwrap_or(0),
        p.column().unwrap_or(0),
        p.message
    )
}

#[test]
fn loads_every_shape_of_the_fixture_folder() {
    let (inv, configs, sources, problems) = load(&[fixture()]);
    assert!(problems.is_empty(), "{:?}", problems.all());
    assert_eq!(configs, [fixture().join("posture.yaml")]);
    assert_eq!(inv.inputs.len(), 4);
    assert!(inv
        .inputs
        .iter()
        .all(|i| i.kind == "inventory" && i.sha256.len() == 64));
    assert_eq!(sources.files().len(), 4);
    let keys: Vec<&str> = inv.resources.iter().map(|r| r.key.as_ref()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted by lower-cased id");
    assert_eq!(inv.resources.len(), 6);
    let origins: Vec<(&str, &str)> = inv
        .resources
        .iter()
        .map(|r| (r.id.rsplit('/').next().unwrap(), r.origin.pointer.as_str()))
        .collect();
    assert_eq!(
        origins,
        [
            ("kv-prod", "/data/1"),
            ("stprod01", "/data/0"),
            ("vm-web-1", "/0"),
            ("nsg-web", "/value/0"),
            ("app-1", "/0"),
            ("app-2", "/1"),
        ]
    );
}

/// Resources of one type, subscription and resource group hold one copy of each name, and a
/// resource's id is the string of its value's `id`: from the parser (NDJSON lines) and from
/// the JSON tree (a document with a non-plain element takes that path).
#[test]
fn resource_names_are_shared_not_copied() {
    let vm = |n: u32| {
        format!(
            r#"{{"id": "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm{n}", "type": "Microsoft.Compute/virtualMachines"}}"#
        )
    };
    let lines = format!("{}\n{}\n", vm(1), vm(2));
    // A tag that is not a string: loaded, reported, and through the tree.
    let doc = format!(
        r#"[{}, {}, {{"id": "/subscriptions/s1/x/y", "type": "a/b", "tags": {{"t": 1}}}}]"#,
        vm(3),
        vm(4)
    );
    let (_dir, inv, _, _) = load_files(&[("a.ndjson", &lines), ("b.json", &doc)]);
    let by_id = |n: u32| {
        inv.resources
            .iter()
            .find(|r| r.id.ends_with(&format!("vm{n}")))
            .unwrap()
    };
    let same = |a: &crate::model::Text, b: &crate::model::Text| std::sync::Arc::ptr_eq(a, b);
    for (a, b) in [(by_id(1), by_id(2)), (by_id(3), by_id(4))] {
        assert!(same(&a.kind, &b.kind) && same(&a.kind_key, &b.kind_key));
        assert_eq!(&*a.kind_key, "microsoft.compute/virtualmachines");
        let (sa, sb) = (a.subscription_id.as_ref(), b.subscription_id.as_ref());
        assert!(same(sa.unwrap(), sb.unwrap()));
        assert_eq!(sa.map(|s| &**s), Some("S1"));
        let (ga, gb) = (a.resource_group.as_ref(), b.resource_group.as_ref());
        assert!(same(ga.unwrap(), gb.unwrap()));
        assert_eq!(ga.map(|s| &**s), Some("RG"));
        assert_eq!(*a.key, a.id.to_lowercase());
    }
    // The parser's resources take their id from the value.
    for n in [1, 2] {
        let r = by_id(n);
        assert!(same(&r.id, r.field("id").unwrap().as_string().unwrap()));
    }
    // An id already in lower case is its own key.
    let lower = inv.resources.iter().find(|r| &*r.kind == "a/b").unwrap();
    assert!(same(&lower.id, &lower.key));
}

#[test]
fn derives_scope_from_the_id_and_writes_it_back() {
    let (inv, _, _, _) = load(&[fixture()]);
    let kv = inv
        .resources
        .iter()
        .find(|r| r.id.ends_with("kv-prod"))
        .unwrap();
    assert_eq!(
        kv.subscription_id.as_deref(),
        Some("00000000-0000-0000-0000-000000000001")
    );
    assert_eq!(kv.resource_group.as_deref(), Some("rg-prod"));
    assert_eq!(kv.to_json()["resourceGroup"], "rg-prod");
    assert_eq!(
        kv.to_json()["subscriptionId"],
        "00000000-0000-0000-0000-000000000001"
    );
    assert_eq!(&*kv.kind, "microsoft.keyvault/vaults");
    let st = inv
        .resources
        .iter()
        .find(|r| r.id.ends_with("stprod01"))
        .unwrap();
    assert_eq!(
        st.resource_group.as_deref(),
        Some("RG-Prod"),
        "kept as given"
    );
    let vm = inv
        .resources
        .iter()
        .find(|r| r.id.ends_with("vm-web-1"))
        .unwrap();
    assert_eq!(&*vm.kind_key, "microsoft.compute/virtualmachines");
    assert_eq!(*vm.key, vm.id.to_lowercase());
}

#[test]
fn scope_segments_are_case_insensitive_and_optional() {
    assert_eq!(
        scope_of("/SUBSCRIPTIONS/S1/RESOURCEGROUPS/Rg/providers/x"),
        (Some("S1"), Some("Rg"))
    );
    assert_eq!(
        scope_of("/subscriptions/s1/providers/Microsoft.Security/x"),
        (Some("s1"), None)
    );
    assert_eq!(scope_of("/subscriptions/s1"), (Some("s1"), None));
    assert_eq!(
        scope_of("/providers/Microsoft.Management/managementGroups/mg"),
        (None, None)
    );
    assert_eq!(scope_of("subscriptions/s1/resourceGroups/r"), (None, None));
    assert_eq!(scope_of("/subscriptions//resourceGroups/r"), (None, None));
}

#[test]
fn duplicate_ids_warn_with_both_places_and_the_later_file_wins() {
    let (_dir, inv, _, problems) = load_files(&[
        (
            "a.json",
            "[\n  {\"id\": \"/subscriptions/s/x\", \"type\": \"A/b\", \"v\": 1}\n]",
        ),
        ("b.yaml", "- id: /SUBSCRIPTIONS/S/X\n  type: A/b\n  v: 2\n"),
    ]);
    assert!(!problems.has_errors());
    assert_eq!(inv.resources.len(), 1);
    assert_eq!(inv.resources[0].to_json()["v"], 2);
    assert_eq!(&*inv.resources[0].id, "/SUBSCRIPTIONS/S/X");
    let w = problems.warnings();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, codes::DUPLICATE_ID);
    assert_eq!((w[0].line(), w[0].column()), (Some(1), Some(3)));
    assert!(w[0].file().unwrap().ends_with("b.yaml"));
    assert!(w[0].message.contains("a.json:2:3"), "{}", w[0].message);
    assert!(w[0].message.contains("b.yaml:1:3"), "{}", w[0].message);
}

#[test]
fn duplicate_ids_in_one_file_keep_the_later_one() {
    let (_dir, inv, _, problems) = load_files(&[(
        "a.ndjson",
        "{\"id\":\"/x\",\"type\":\"A/b\",\"n\":1}\n{\"id\":\"/X\",\"type\":\"A/b\",\"n\":2}\n",
    )]);
    assert_eq!(inv.resources.len(), 1);
    assert_eq!(inv.resources[0].to_json()["n"], 2);
    let w = problems.warnings();
    assert!(w[0].message.contains("a.ndjson:1:1") && w[0].message.contains("a.ndjson:2:1"));
}

#[test]
fn bad_resources_are_located_errors_and_the_rest_still_load() {
    let (_dir, inv, _, problems) = load_files(&[
        (
            "a.json",
            "{\"data\": [\n  {\"type\": \"A/b\", \"name\": \"no-id\"},\n  {\"id\": 7, \"type\": \"A/b\"},\n  {\"id\": \"/ok\", \"type\": \"A/b\", \"tags\": {\"k\": 1}}\n]}",
        ),
        ("b.json", "{\"data\": null}"),
        ("c.json", "{\"foo\": 1}"),
        ("d.yaml", "- id: /fine\n  type: A/b\n"),
        ("e.ndjson", "{\"id\":\"/l1\",\"type\":\"A/b\"}\n{\"id\":\"/l2\",\n{\"id\":\"/l3\",\"type\":\"A/b\"}\n"),
        ("f.json", "42"),
    ]);
    // Resources with a usable id and type load even beside errors (/ok has a bad tag).
    assert_eq!(ids(&inv), ["/fine", "/l1", "/l3", "/ok"]);
    let errors: Vec<String> = problems.errors().into_iter().map(brief).collect();
    assert_eq!(
        errors,
        [
            "a.json:2:3: the resource has no \"id\", which is required".to_string(),
            "a.json:3:10: \"id\" must be a string, found 7".to_string(),
            "a.json:4:46: \"k\" must be a string, found 1".to_string(),
            "b.json:1:10: \"data\" must be an array, found null".to_string(),
            "c.json:1:1: not an inventory document: found an object without \"id\", \"data\" or \"value\"".to_string(),
            "e.ndjson:2:13: invalid NDJSON line: EOF while parsing a value".to_string(),
            "f.json:1:1: not an inventory document: found 42".to_string(),
        ]
    );
    let shape = problems
        .errors()
        .into_iter()
        .find(|p| p.code == codes::SHAPE)
        .unwrap();
    assert!(shape.help.as_deref().unwrap().contains("{\"data\": [...]}"));
    // Every file that was read is an input, bad or not.
    assert_eq!(inv.inputs.len(), 6);
}

#[test]
fn table_format_results_get_a_specific_hint() {
    let (_dir, inv, _, problems) = load_files(&[(
        "t.json",
        "{\"data\": {\"columns\": [], \"rows\": []}, \"count\": 0}",
    )]);
    assert!(inv.resources.is_empty());
    let e = &problems.errors()[0];
    assert!(e.help.as_deref().unwrap().contains("objectArray"));
}

#[test]
fn several_yaml_documents_are_separate_inventories() {
    let (_dir, inv, _, problems) = load_files(&[(
        "m.yaml",
        "- {id: /a, type: A/b}\n---\ndata:\n- id: /b\n  type: A/b\n---\nid: /c\ntype: A/b\n---\n",
    )]);
    assert!(problems.is_empty(), "{:?}", problems.all());
    let origins: Vec<&str> = inv
        .resources
        .iter()
        .map(|r| r.origin.pointer.as_str())
        .collect();
    assert_eq!(origins, ["/0/0", "/1/data/0", "/2"]);
}

#[test]
fn files_over_the_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), "[]").unwrap();
    let mut sources = SourceMap::default();
    let mut problems = Problems::default();
    let opts = LoadOptions {
        max_file_bytes: 1,
        ..LoadOptions::default()
    };
    let (inv, _) = load_inventory_with(
        &[dir.path().to_path_buf()],
        &opts,
        &mut sources,
        &mut problems,
    );
    assert!(inv.inputs.is_empty());
    assert_eq!(problems.errors()[0].code, codes::TOO_LARGE);
}

#[test]
fn many_duplicates_are_located_in_one_pass_and_capped() {
    let lines: String = (0..5000)
        .map(|i| format!("{{\"id\":\"/r/{i}\",\"type\":\"A/b\"}}\n"))
        .collect();
    let (_dir, inv, _, problems) = load_files(&[("a.ndjson", &lines), ("b.ndjson", &lines)]);
    assert_eq!(inv.resources.len(), 5000);
    let w = problems.warnings();
    assert_eq!(w.len(), MAX_DUPLICATE_ID_WARNINGS + 1);
    assert!(w.last().unwrap().message.starts_with("and 4900 more"));
}

/// Resources (one line each, as the caller renders them), the number of snapshots and the
/// problems of one parse, as one text for comparison.
fn rendered(resources: &[String], snapshots: usize, problems: &Problems) -> String {
    let problems: Vec<String> = problems
        .all()
        .iter()
        .map(|p| format!("{:?} {} {}", p.level, p.code, brief(p)))
        .collect();
    format!("{resources:#?}\n{snapshots}\n{problems:#?}")
}

/// One NDJSON file parsed whole (one thread) and in pieces of `size` bytes (two threads):
/// resources, snapshots and problems rendered for comparison.
fn whole_and_in_pieces(text: &str, size: usize) -> [String; 2] {
    let d = Discovered {
        path: "big.ndjson".into(),
        display: "big.ndjson".into(),
        format: Format::Ndjson,
    };
    let mut sources = SourceMap::default();
    let id = sources.add("big.ndjson", text);
    let file = sources.get(id).unwrap().clone();
    let read = vec![(&d, id, String::new(), file)];
    let render = |out: Vec<Option<Parsed>>| {
        let (resources, snapshots, problems) = out.into_iter().next().flatten().unwrap();
        let resources: Vec<String> = resources
            .iter()
            .map(|r| {
                format!(
                    "{} {} {:?} {:?}",
                    r.id, r.origin.pointer, r.origin.place, r.value
                )
            })
            .collect();
        rendered(&resources, snapshots.len(), &problems)
    };
    [
        render(parse_files(
            &read,
            1,
            size,
            &crate::progress::Progress::hidden(),
        )),
        render(parse_files(
            &read,
            2,
            size,
            &crate::progress::Progress::hidden(),
        )),
    ]
}

/// One JSON document parsed by the general whole-document path and by the loader with its
/// list in pieces of `size` bytes (two threads): resources (with their place, found by the
/// locator where the parse did not give it), snapshots and problems rendered for
/// comparison; and how many resources of the loader's parse knew their place.
fn json_whole_and_in_pieces(text: &str, size: usize) -> ([String; 2], usize) {
    let mut sources = SourceMap::default();
    let id = sources.add("doc.json", text);
    let file = sources.get(id).unwrap().clone();
    let render = |(resources, snapshots, problems): Parsed| {
        let mut cache = SpanCache::default();
        let resources: Vec<String> = resources
            .iter()
            .map(|r| {
                let place = r.origin.place.or_else(|| {
                    let (offset, _) = cache.span(&file, Format::Json, &r.origin.pointer)?;
                    crate::source::line_cols_of(&file.text, &[offset])
                        .first()
                        .copied()
                });
                format!("{} {} {place:?} {:?}", r.id, r.origin.pointer, r.value)
            })
            .collect();
        rendered(&resources, snapshots.len(), &problems)
    };
    let mut problems = Problems::default();
    let (resources, snapshots) = file_resources(&file, id, Format::Json, &mut problems);
    let whole = render((resources, snapshots, problems));
    let mut problems = Problems::default();
    let (resources, snapshots) = json_resources_in_pieces(&file, id, size, &mut problems);
    let placed = resources
        .iter()
        .filter(|r| r.origin.place.is_some())
        .count();
    ([whole, render((resources, snapshots, problems))], placed)
}

#[test]
fn a_json_list_in_pieces_loads_as_the_whole_document() {
    let items: Vec<String> = (0..30).map(line).collect();
    let pretty = |items: &[String]| {
        format!(
            "{{\r\n  \"value\": [\r\n    {}\r\n  ]\r\n}}\r\n",
            items.join(",\r\n    ")
        )
    };
    let taken = [
        format!("[{}]", items.join(",")),
        // Pretty-printed, CRLF, other members around the list (a Resource Graph page).
        format!(
            "{{\"count\": 30, \"data\": [\n{}\n], \"facets\": [], \"skip_token\": null}}",
            items.join(",\n")
        ),
        pretty(&items),
        // Characters of several bytes before and inside elements: columns count characters.
        format!(
            "{{\"note\": \"é€\u{10348}\", \"value\": [{}, {}]}}",
            items[0],
            line(1).replace("\"n\"", "\"é€\"")
        ),
        // Escaped keys at the top: "\u0064ata" is "data".
        format!("{{\"\\u0064ata\": [{}]}}", items[2]),
        "[]".to_string(),
        " { \"value\" : [ ] } ".to_string(),
    ];
    for text in &taken {
        for size in [1, 300, 1 << 20] {
            let ([whole, pieces], placed) = json_whole_and_in_pieces(text, size);
            assert_eq!(whole, pieces, "{size}: {text}");
            assert_eq!(placed, pieces.matches("Some((").count(), "{text}");
            assert_eq!(
                placed,
                whole.matches(" /").count(),
                "every resource placed: {text}"
            );
        }
    }
    // The comparison means something: resources with places past the first line.
    let ([_, pieces], placed) = json_whole_and_in_pieces(&pretty(&items), 300);
    assert_eq!(placed, 30);
    assert!(pieces.contains("sa29 /value/29 Some((32, 5))"), "{pieces}");
}

#[test]
fn list_parts_hold_at_least_the_given_bytes() {
    let list = Listed {
        pointer: "",
        // Elements of 10, 5, 20, 5 and 1 bytes.
        elements: vec![(0, 10), (11, 16), (17, 37), (38, 43), (44, 45)],
        places: Vec::new(),
    };
    assert_eq!(list.parts(15), vec![0..2, 2..3, 3..5]);
    assert_eq!(list.parts(1), vec![0..1, 1..2, 2..3, 3..4, 4..5]);
    assert_eq!(list.parts(41), vec![0..5]);
    assert_eq!(list.parts(usize::MAX), vec![0..5]);
    let empty = Listed {
        pointer: "",
        elements: Vec::new(),
        places: Vec::new(),
    };
    assert_eq!(empty.parts(15), vec![0..0]);
}

#[test]
fn json_documents_the_list_path_must_not_take_load_as_before() {
    let a = line(1);
    // serde_json refuses a 128th level of nesting: an element holding 125 levels is one
    // too many inside {"value": [...]} (top object, list, element), though not alone.
    let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let (deep, deep_ok, deep_beside) = (nested(125), nested(124), nested(127));
    let cases = [
        // Problems inside an element, a duplicate key (in an element, beside the list).
        format!("[{a},{{\"id\":\"y\"}}]"),
        format!("[{a},{{\"id\":\"y\",\"type\":\"a/b\",\"k\":1,\"k\":2}}]"),
        format!("{{\"data\":[{a}],\"count\":1,\"count\":2}}"),
        format!("{{\"data\":[{a}],\"meta\":{{\"x\":1,\"x\":2}}}}"),
        // Outline problems: separators, trailing text, an element that is no object, an
        // unclosed list, a raw line break in a string.
        format!("[{a},,{a}]"),
        format!("[{a},]"),
        format!("[{a}] x"),
        format!("[{a}][]"),
        format!("[{a},1]"),
        format!("[{a}"),
        format!("{{\"value\":[{a}]"),
        format!("{{\"value\":[{a}]}},"),
        format!("[{}]", a.replace("sa1", "s\na1")),
        format!("{{\"value\":[{a}] \"x\": 1}}"),
        format!("{{\"va\\qlue\":[{a}]}}"),
        // Not the list shapes: one resource, a snapshot, a table, a list that is no array.
        a.clone(),
        r#"{"kind":"posture-agent-snapshot","id":"x","type":"a/b"}"#.to_string(),
        r#"{"data":{"columns":[],"rows":[]}}"#.to_string(),
        format!("{{\"value\":{a}}}"),
        // Nesting: past serde_json's limit counted from the top, and just within it.
        format!(
            "{{\"value\":[{}]}}",
            a.replace("\"n\":1", &format!("\"n\":{deep}"))
        ),
        format!("{{\"value\":[{a}],\"x\":{deep_beside}}}"),
        format!(
            "{{\"value\":[{}]}}",
            a.replace("\"n\":1", &format!("\"n\":{deep_ok}"))
        ),
        String::new(),
        "  ".to_string(),
    ];
    for text in &cases {
        for size in [1, 1 << 20] {
            let ([whole, pieces], _) = json_whole_and_in_pieces(text, size);
            assert_eq!(whole, pieces, "{size}: {text}");
        }
    }
}

fn line(i: usize) -> String {
    format!(
        "{{\"id\":\"/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/sa{i}\",\"type\":\"Microsoft.Storage/storageAccounts\",\"properties\":{{\"n\":{i}}}}}"
    )
}

#[test]
fn a_large_ndjson_file_in_pieces_loads_as_it_does_whole() {
    let mut lines: Vec<String> = (0..40).map(line).collect();
    lines[3] = "{\"id\": \"/subscriptions/s/x\",}".into();
    lines[9] = String::new();
    lines[10] = "  ".into();
    lines[17] = "{\"id\":\"/subscriptions/s/resourceGroups/g/providers/A.B/c/d\",\"type\":\"A.B/c\",\"k\":1,\"k\":2}".into();
    lines[23] = "{\"id\":42,\"type\":\"A.B/c\"}".into();
    lines[31] = "{\"kind\":\"posture-agent-snapshot\"}".into();
    let text = lines.join("\r\n");
    let [whole, pieces] = whole_and_in_pieces(&text, 200);
    assert_eq!(whole, pieces);
    // The comparison means something: resources, and each kind of problem, are there.
    assert!(whole.contains("sa39 /37 Some((40, 1))"), "{whole}");
    for want in [
        "big.ndjson:4:",
        "appears more than once",
        "big.ndjson:24:",
        "big.ndjson:32:",
    ] {
        assert!(whole.contains(want), "{want}: {whole}");
    }
}

#[test]
fn pieces_with_more_schema_errors_than_a_file_shows_load_as_the_whole_file() {
    let lines: Vec<String> = (0..120)
        .map(|i| {
            if i % 2 == 0 {
                format!("{{\"id\":{i},\"type\":\"A.B/c\"}}")
            } else {
                line(i)
            }
        })
        .collect();
    let [whole, pieces] = whole_and_in_pieces(&lines.join("\n"), 500);
    assert_eq!(whole, pieces);
    assert!(whole.contains("more schema errors in this file"), "{whole}");
}

#[test]
fn plain_lines_give_the_resource_of_the_general_path() {
    let lines = [
        // Keys in order, every kind of value, numbers at their limits, escapes, unicode.
        r#"{"id":"/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/a","location":"westeurope","name":"a","properties":{"big":18446744073709551615,"neg":-9223372036854775808,"f":3.5,"e":1e300,"z":-0,"t":true,"n":null,"list":[1,"x",[],{}],"esc":"a\"b\\c\u00e9\n","nested":{"k\"ey":{"deep":[{"x":1}]}}},"resourceGroup":"RG","subscriptionId":"S1","tags":{"env":"prod"},"type":"Microsoft.Storage/storageAccounts"}"#,
        // Keys out of order; scope derived from the id (missing and empty fields).
        r#"{"type":"Microsoft.Network/networkSecurityGroups","name":null,"id":"/subscriptions/S2/resourceGroups/rg-2/providers/Microsoft.Network/networkSecurityGroups/n","subscriptionId":""}"#,
        // No resource group in the id; long strings (not shared) and short ones (shared).
        r#"{"id":"/subscriptions/S3/providers/Microsoft.Security/pricings/VirtualMachines","type":"Microsoft.Security/pricings","properties":{"pricingTier":"Standard","description":"a description longer than thirty-two bytes"},"tags":null,"sku":null,"identity":{"type":"SystemAssigned"},"kind":"x","tenantId":"t"}"#,
        // An id that is no ARM id: nothing derived.
        r#"{"id":"local-thing","type":"a/b/c"}"#,
        "  {\"id\":\"x\",\"type\":\"a/b\",\"\":{}}  ",
    ];
    for line in lines {
        let (fast, general) = line_resource_both_ways(line);
        let fast = fast.unwrap_or_else(|| panic!("not taken: {line}"));
        let general = general.unwrap_or_else(|| panic!("refused by the general path: {line}"));
        assert_eq!(fast, general, "{line}");
    }
}

#[test]
fn lines_the_schema_or_the_general_path_must_see_are_left_to_them() {
    for line in [
        // Duplicate keys, at the top and deeper (the general path warns about them).
        r#"{"id":"a","type":"a/b","id":"b"}"#,
        r#"{"id":"a","type":"a/b","properties":{"x":1,"x":2}}"#,
        // Not an object, or not one value.
        r#"[{"id":"a","type":"a/b"}]"#,
        r#""text""#,
        r#"{"id":"a","type":"a/b"} {}"#,
        r#"{"id":"a","type":"a/b""#,
        // An agent snapshot.
        r#"{"id":"a","type":"a/b","kind":"posture-agent-snapshot"}"#,
    ] {
        assert!(line_resource_both_ways(line).0.is_none(), "{line}");
    }
}

/// The checks of `plain_resource` are the schema's: for every field the resource schema
/// names and every kind of value, the line is taken exactly when the schema accepts it.
#[test]
fn plain_resource_checks_agree_with_the_schema() {
    let values = [
        "null",
        "true",
        "0",
        "1.5",
        "\"\"",
        "\"s\"",
        "\"a/b\"",
        "\"a//b\"",
        "\"/a/b\"",
        "\"a/b/\"",
        "\"ab\"",
        "\"a/b\\nc/d\"",
        "[]",
        "[\"s\"]",
        "{}",
        "{\"k\":\"v\"}",
        "{\"k\":1}",
        "{\"k\":null}",
        "{\"k\":\"v\",\"l\":[]}",
    ];
    let fields = [
        "id",
        "type",
        "name",
        "location",
        "tags",
        "kind",
        "sku",
        "identity",
        "properties",
        "subscriptionId",
        "resourceGroup",
        "tenantId",
        "other",
    ];
    let mut taken = 0;
    for field in fields {
        for value in values {
            let mut entries = vec![
                (
                    "id",
                    "\"/subscriptions/s/resourceGroups/r/providers/a/b/c\"",
                ),
                ("type", "\"a/b\""),
            ];
            entries.retain(|(k, _)| *k != field);
            entries.push((field, value));
            let line = format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            // The general path gives a resource exactly when the schema accepts the line.
            let (fast, general) = line_resource_both_ways(&line);
            assert_eq!(fast.is_some(), general.is_some(), "{line}");
            if let Some(fast) = fast {
                assert_eq!(Some(fast), general, "{line}");
                taken += 1;
            }
        }
    }
    // Both sides of every check were exercised.
    assert!(
        taken >= 50 && taken < fields.len() * values.len(),
        "{taken}"
    );
}

#[test]
fn plain_documents_give_the_resources_of_the_general_path() {
    let a = r#"{"id":"/subscriptions/s/resourceGroups/r/providers/a/b/x","type":"a/b","properties":{"n":[1,2.5,-3],"o":{"k":"v"}},"tags":{"t":"v"}}"#;
    let b = r#"{"type":"A/B","id":"/subscriptions/S/resourceGroups/R2/providers/A/B/y","subscriptionId":"","name":null}"#;
    for doc in [
        format!("[{a},{b}]"),
        "[]".to_string(),
        format!(" {a} "),
        format!(r#"{{"count":2,"data":[{a},{b}],"skip_token":null,"facets":[{{"x":1}}]}}"#),
        format!(r#"{{"value":[{b},{a}],"nextLink":"https://example/next"}}"#),
        format!(r#"{{"value":[{b}],"data":[{a}]}}"#),
    ] {
        let (fast, general) = document_resources_both_ways(&doc);
        let fast = fast.unwrap_or_else(|| panic!("not taken: {doc}"));
        let general = general.unwrap_or_else(|| panic!("refused by the general path: {doc}"));
        assert_eq!(fast, general, "{doc}");
    }
}

#[test]
fn documents_the_general_path_must_see_are_left_to_it() {
    let a = r#"{"id":"x","type":"a/b"}"#;
    for doc in [
        // A bad resource anywhere, a duplicate key anywhere (the envelope too).
        format!(r#"[{a},{{"id":"y"}}]"#),
        format!(r#"[{a},{{"id":"y","type":"a/b","tags":{{"k":1}}}}]"#),
        format!(r#"{{"data":[{a}],"count":1,"count":2}}"#),
        r#"[{"id":"x","type":"a/b","id":"z"}]"#.to_string(),
        // Not the shapes: items that are not objects, a list that is not an array, a
        // Resource Graph table, neither data nor value, a snapshot, not JSON.
        format!("[{a},1]"),
        format!(r#"{{"data":{a}}}"#),
        r#"{"data":{"columns":[],"rows":[]}}"#.to_string(),
        r#"{"other":[]}"#.to_string(),
        r#""text""#.to_string(),
        r#"{"kind":"posture-agent-snapshot","id":"x","type":"a/b"}"#.to_string(),
        format!("[{a}"),
        String::new(),
    ] {
        assert!(document_resources_both_ways(&doc).0.is_none(), "{doc}");
    }
}

/// Loads `dir` in batches of `batch_bytes`: the resources (id, value, origin), snapshots,
/// problems (with their labels and spans) and sources (path, text) rendered for comparison.
fn load_batched(dir: &Path, batch_bytes: u64) -> (String, SourceMap) {
    let mut sources = SourceMap::default();
    let mut problems = Problems::default();
    let opts = LoadOptions {
        jobs: 2,
        ..LoadOptions::default()
    };
    let (inv, _) = load_in_batches(
        &[dir.to_path_buf()],
        &opts,
        batch_bytes,
        &mut sources,
        &mut problems,
    );
    let resources: Vec<String> = inv
        .resources
        .iter()
        .map(|r| format!("{} {:?} {:?}", r.id, r.value, r.origin))
        .collect();
    let rendered = format!(
        "{resources:#?}\n{:#?}\n{:#?}\n{:#?}",
        inv.snapshots.iter().map(|s| &s.origin).collect::<Vec<_>>(),
        inv.inputs,
        problems.all()
    );
    (rendered, sources)
}

#[test]
fn files_read_in_batches_load_as_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let line =
        |i: usize| format!("{{\"id\":\"/r/{i}\",\"type\":\"A/b\",\"properties\":{{\"n\":{i}}}}}");
    // a: ten lines, the last repeating the first (a duplicate inside a released file).
    let a: String = (0..10).chain([0]).map(|i| line(i) + "\n").collect();
    // b: repeats a's ids 3 and 4 (duplicates across two released files), one of them on a
    // line with leading spaces, and a line that is not JSON.
    let b = format!("{}\n  {}\n{{oops\n{}\n", line(3), line(4), line(20));
    // c: a JSON list (its resources know their place too), repeating b's id 20; e: one
    // resource as a JSON document (no place while parsing: its text is kept).
    let c = format!("[{}, {}]", line(20), line(21));
    std::fs::write(dir.path().join("a.ndjson"), a).unwrap();
    std::fs::write(dir.path().join("b.ndjson"), b).unwrap();
    std::fs::write(dir.path().join("c.json"), c).unwrap();
    std::fs::write(dir.path().join("e.json"), line(22)).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/agents/vm-prod-web01.json"),
        dir.path().join("d-agent.json"),
    )
    .unwrap();
    let (one, one_sources) = load_batched(dir.path(), u64::MAX);
    // Every file its own batch: a's and b's texts are dropped after parsing and read again
    // for the warnings that point into them.
    let (each, each_sources) = load_batched(dir.path(), 1);
    assert_eq!(each, one);
    assert!(one.contains("is read twice"), "{one}");
    assert!(one.contains(codes::DUPLICATE_ID), "{one}");
    let text = |s: &SourceMap, name: &str| {
        s.files()
            .iter()
            .find(|f| f.path.ends_with(name))
            .map(|f| f.text.len())
            .unwrap()
    };
    // Released after loading in batches (and only then); kept where still needed.
    assert_eq!(text(&each_sources, "a.ndjson"), 0);
    assert_eq!(text(&each_sources, "b.ndjson"), 0);
    assert_eq!(text(&each_sources, "c.json"), 0);
    assert!(text(&one_sources, "a.ndjson") > 0);
    assert!(text(&one_sources, "c.json") > 0);
    assert!(text(&each_sources, "e.json") > 0);
    assert!(text(&each_sources, "d-agent.json") > 0);
}

#[test]
fn batches_hold_at_least_the_given_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let found: Vec<Discovered> = [("a", 10), ("b", 30), ("c", 5), ("d", 50), ("e", 1)]
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(name);
            std::fs::write(&path, "x".repeat(*bytes)).unwrap();
            Discovered {
                path,
                display: (*name).to_string(),
                format: Format::Ndjson,
            }
        })
        .collect();
    let names = |b: u64| -> Vec<Vec<&str>> {
        batches(&found, b)
            .0
            .iter()
            .map(|run| run.iter().map(|d| d.display.as_str()).collect())
            .collect()
    };
    assert_eq!(names(40), [vec!["a", "b"], vec!["c", "d"], vec!["e"]]);
    assert_eq!(names(1000), [vec!["a", "b", "c", "d", "e"]]);
    assert_eq!(names(1).len(), 5);
    assert_eq!(batches(&[], 1).0.len(), 1);
    // The progress bar's total: every file's size.
    assert_eq!(batches(&found, 40).1, 96);
    assert_eq!(batches(&[], 1).1, 0);
}

#[test]
fn a_released_file_that_changed_is_not_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ndjson");
    std::fs::write(&path, "{\"id\":\"/r/1\",\"type\":\"A/b\"}\n").unwrap();
    let d = Discovered {
        path: path.clone(),
        display: "a.ndjson".into(),
        format: Format::Ndjson,
    };
    let mut sources = SourceMap::default();
    let id = sources.add("a.ndjson", String::new());
    let file = sources.get(id).cloned().unwrap();
    let merged = Merged {
        winners: vec![(0, 1)],
        repeats: vec![Repeat {
            again: (0, 1),
            earlier: (0, 0),
        }],
    };
    let opts = LoadOptions::default();
    // The sha256 read first differs from the file's now: nothing is restored.
    let read = [(&d, id, "0".repeat(64), file.clone())];
    assert!(restore_texts(&merged, &read, &[true], &opts, &mut sources).is_empty());
    assert!(sources.get(id).unwrap().text.is_empty());
    // The same bytes: restored.
    let sha = super::super::text::read(&path, "a.ndjson", u64::MAX)
        .unwrap()
        .sha256;
    let read = [(&d, id, sha, file)];
    assert_eq!(
        restore_texts(&merged, &read, &[true], &opts, &mut sources).len(),
        1
    );
    assert!(sources.get(id).unwrap().text.starts_with('{'));
    // A place found while parsing stands in for a text that could not be read back.
    sources.release(id);
    let origin = Origin {
        source: id,
        pointer: "/0".into(),
        place: Some((7, 3)),
    };
    let formats = HashMap::from([(id, Format::Ndjson)]);
    let at = place(&sources, &formats, &mut SpanCache::default(), &origin);
    assert_eq!(at, "a.ndjson:7:3");
}

/// The progress bar's bytes: the units of work of one file cover its whole text, once, for
/// NDJSON pieces and for runs of a JSON list's elements (with the text around the list).
#[test]
fn units_of_work_cover_each_file_once() {
    let file = |text: String| SourceFile {
        path: "f".into(),
        text: std::sync::Arc::new(text),
    };
    let covered = |file: &SourceFile, parts: Vec<Part>, list: Option<&Listed>| -> u64 {
        parts
            .into_iter()
            .map(|part| {
                Work {
                    file: 0,
                    part,
                    source: file,
                    id: 0,
                    format: Format::Json,
                }
                .bytes(list)
            })
            .sum()
    };
    let line = |i: usize| format!(r#"{{"id": "/s/{i}", "type": "a/b"}}"#);
    let lines = file((0..50).map(|i| line(i) + "\n").collect());
    for size in [1, 40, 700, 1 << 20] {
        let parts = super::ndjson::split(&lines.text, size)
            .into_iter()
            .map(Part::Lines)
            .collect();
        assert_eq!(
            covered(&lines, parts, None),
            lines.text.len() as u64,
            "{size}"
        );
    }
    let items: Vec<String> = (0..50).map(line).collect();
    let doc = file(format!(
        "\n {{\"other\": 1, \"value\": [\n{}\n]}}\n",
        items.join(",\n")
    ));
    let list = listed(&doc).unwrap();
    for size in [1, 40, 700, 1 << 20] {
        let parts = list.parts(size).into_iter().map(Part::Elements).collect();
        assert_eq!(
            covered(&doc, parts, Some(&list)),
            doc.text.len() as u64,
            "{size}"
        );
    }
    assert_eq!(
        covered(&doc, vec![Part::Whole], None),
        doc.text.len() as u64
    );
}
