//! What first touches of memory cost on this machine: `cargo bench --bench fresh_memory
//! [-- MIB PAUSE_S]` (default 1024 MiB, 5 s).
//!
//! Not a benchmark of posture: a probe of the machine, printed by `benches/run.sh` beside
//! its figures. On a virtual machine whose host takes back the memory the guest frees
//! (virtio-balloon free page reporting), a page the process has never touched costs many
//! times more when the guest's free memory has been handed back than when it was freed a
//! moment ago. A large assessment takes gigabytes of fresh pages, so that cost shows in its
//! wall time and system time, while runs small enough to reuse the previous run's pages
//! barely pay it.

use std::time::{Duration, Instant};

// posture's allocator, so the pages are taken as posture takes them (transparent huge pages
// where the kernel offers them on request).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Seconds to write one byte in every 4 KiB page of `bytes` fresh bytes, then free them.
fn touch(bytes: usize) -> f64 {
    let start = Instant::now();
    // Zeroed by the allocator's fresh mapping, not written: the loop makes the first touches.
    let mut pages = vec![0u8; bytes];
    for i in (0..bytes).step_by(4096) {
        if let Some(b) = pages.get_mut(i) {
            *b = 1;
        }
    }
    std::hint::black_box(&pages);
    let elapsed = start.elapsed().as_secs_f64();
    drop(pages);
    // SAFETY: mi_collect takes no pointer and only makes mimalloc return the memory it holds
    // free to the system now (forced, whatever its purge delay), so the next round's pages
    // come from the kernel rather than from mimalloc's own reserve.
    unsafe { libmimalloc_sys::mi_collect(true) };
    elapsed
}

fn main() {
    // `cargo bench` passes `--bench`; take the first two numbers given.
    let mut numbers = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let mib = numbers.next().unwrap_or(1024).max(1);
    let pause = numbers.next().unwrap_or(5);
    let bytes = usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
    let gib = mib as f64 / 1024.0;
    std::thread::sleep(Duration::from_secs(pause));
    let cold = touch(bytes);
    let warm = touch(bytes);
    let line = format!(
        "fresh memory ({mib} MiB): {:.2} s/GiB after a {pause} s pause, {:.2} s/GiB when just freed\n",
        cold / gib,
        warm / gib
    );
    // A closed stdout leaves nothing to report to.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), line.as_bytes());
}
