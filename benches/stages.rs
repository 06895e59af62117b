//! The assessment's stages over a generated estate of 10,000 resources and 100 agent
//! snapshots: `cargo bench --bench stages`. End-to-end figures for 10,000 to 1,000,000
//! resources (wall time, peak memory) come from `benches/run.sh`, which writes BENCHMARKS.md.
//!
//! Set POSTURE_BENCH_RESOURCES to bench another size.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use divan::Bencher;
use posture::assess::{self, AssessOptions, Assessment};
use posture::diag::Problems;
use posture::load::{self, LoadOptions};
use posture::policy::catalog::{self, CatalogOptions};
use posture::policy::engine::{Backend, EvalOptions, PolicyEngine};
use posture::report::{Format, RenderOptions};
use posture::source::SourceMap;

// As in the binary: the allocator is part of what is measured.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const NOW: &str = "2026-11-26T00:00:00Z";

/// The estate, written once per bench run to a temporary folder.
static ESTATE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let n = std::env::var("POSTURE_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temporary folder");
    let generated = posture::bench::generate(n, n / 100, 1);
    // Names are relative to the estate folder (snapshots under agents/), as the CLI writes.
    std::fs::create_dir_all(dir.path().join("agents")).expect("agents folder");
    for (name, text) in generated.files.iter().chain(&generated.agents) {
        std::fs::write(dir.path().join(name), text).expect("write estate");
    }
    let path = dir.path().to_path_buf();
    (dir, path)
});

fn options(jobs: usize, backend: Backend) -> AssessOptions {
    AssessOptions {
        inputs: vec![ESTATE.1.clone()],
        history: Vec::new(),
        intel: Vec::new(),
        catalog: CatalogOptions {
            bundled: true,
            ..CatalogOptions::default()
        },
        config: Default::default(),
        now: NOW.into(),
        jobs,
        timeout: Duration::from_secs(600),
        max_file_bytes: load::MAX_FILE_BYTES,
        gates: Default::default(),
        backend,
        progress: Arc::default(),
    }
}

fn assessment() -> Assessment {
    assess::assess(
        options(2, Backend::Rvm),
        SourceMap::default(),
        Problems::default(),
    )
}

/// Reading, parsing and schema-checking every file.
#[divan::bench(sample_count = 5)]
fn load_and_validate(b: Bencher) {
    let inputs = vec![ESTATE.1.clone()];
    b.bench(|| {
        let (mut sources, mut problems) = (SourceMap::default(), Problems::default());
        load::load_inventory_with(
            &inputs,
            &LoadOptions::default(),
            &mut sources,
            &mut problems,
        )
    });
}

/// Evaluating the bundled library (RVM and interpreter, one and two threads).
#[divan::bench(sample_count = 3, args = [(1, "rvm"), (2, "rvm"), (1, "interpreter")])]
fn evaluate(b: Bencher, (jobs, backend): (usize, &str)) {
    let backend = if backend == "rvm" {
        Backend::Rvm
    } else {
        Backend::Interpreter
    };
    let (mut sources, mut problems) = (SourceMap::default(), Problems::default());
    let (inventory, _) = load::load_inventory_with(
        std::slice::from_ref(&ESTATE.1),
        &LoadOptions::default(),
        &mut sources,
        &mut problems,
    );
    let catalog = catalog::load(
        &CatalogOptions {
            bundled: true,
            ..CatalogOptions::default()
        },
        &mut sources,
        &mut problems,
    );
    let selected: Vec<usize> = catalog
        .recommendations()
        .filter(|(_, p)| p.enabled)
        .map(|(i, _)| i)
        .collect();
    let values: Vec<regorus::Value> = inventory
        .resources
        .iter()
        .map(|r| r.value.clone())
        .collect();
    let eval = EvalOptions {
        progress: Arc::default(),
        now: NOW.into(),
        timeout: Duration::from_secs(600),
        jobs,
        parameters: catalog
            .policies
            .iter()
            .map(|p| (p.meta.id.clone(), p.meta.parameters.clone()))
            .collect(),
        backend,
        piece: posture::policy::engine::PIECE,
    };
    b.bench(|| {
        let mut engine = PolicyEngine::new(&catalog, &sources, false, &mut Problems::default());
        engine
            .set_resources(&inventory.resources, &values, jobs)
            .expect("data");
        engine.share_tables(&catalog, &selected, &inventory.resources, &values, &eval);
        engine.evaluate(
            &catalog,
            &selected,
            &inventory.resources,
            &values,
            &eval,
            &sources,
        )
    });
}

/// The whole pipeline up to the score (load, evaluate, alerts, score), two threads.
#[divan::bench(sample_count = 3)]
fn assess_to_score(b: Bencher) {
    b.bench(assessment);
}

/// Building the report and rendering it as JSON.
#[divan::bench(sample_count = 5)]
fn report_json(b: Bencher) {
    let a = assessment();
    b.bench(|| {
        let report = a.report();
        let mut out = Vec::new();
        Format::Json
            .reporter()
            .render(
                &report,
                // As `posture assess` renders: on the run's threads.
                &RenderOptions {
                    jobs: a.jobs,
                    ..RenderOptions::default()
                },
                &mut out,
            )
            .expect("render");
        out.len()
    });
}
