//! Whether the allocator hands freed memory back to the system during a run.
//!
//! mimalloc returns ("purges") freed memory to the system a second after it is freed. On a
//! run of a few seconds that memory is soon needed again and the kernel has to fault in
//! and zero fresh pages: a 100,000-resource assessment took about five times as many page
//! faults and 2-4% longer with purging (BENCHMARKS.md). So posture keeps freed memory for
//! reuse, except for large estates, whose peak (engine values of about 7 KB per resource)
//! is what limits them: there freed memory goes back as usual, which keeps a
//! 1,000,000-resource run several hundred megabytes lower.

use std::sync::OnceLock;

/// Estates with more resources than this return freed memory to the system.
pub const LARGE_ESTATE: usize = 250_000;

/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (the Rust bindings have no
/// constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The purge delay in effect before posture changed it (mimalloc's default, or what the
/// user set with `MIMALLOC_PURGE_DELAY`), read once.
fn initial_delay() -> std::ffi::c_long {
    static INITIAL: OnceLock<std::ffi::c_long> = OnceLock::new();
    // SAFETY: mi_option_get reads one of mimalloc's option slots; any index below
    // `_mi_option_last` is valid, and mimalloc initialises its options before main.
    *INITIAL.get_or_init(|| unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) })
}

/// Keeps freed memory for reuse (`true`) or returns it to the system after mimalloc's usual
/// delay (`false`). A purge delay the user set in `MIMALLOC_PURGE_DELAY` is never changed.
/// Without mimalloc as the global allocator (tests) this changes nothing that is used.
pub fn keep_freed(keep: bool) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // Read before the first change.
    let initial = initial_delay();
    let delay = if keep { -1 } else { initial };
    // SAFETY: mi_option_set stores a number in one of mimalloc's option slots (a valid
    // index, see above); mimalloc reads the purge delay each time it considers purging, so
    // a change takes effect for memory freed from then on. -1 means never purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay) };
}

/// Memory this process can still take, in bytes: what the system can give without swapping
/// (`MemAvailable` of /proc/meminfo), or less when the process's control group (a container,
/// a CI job) has a memory limit closer to its usage. `None` where /proc/meminfo cannot be
/// read.
pub fn available() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let system = mem_available(&read("/proc/meminfo")?)?;
    let group = read("/proc/self/cgroup")
        .and_then(|groups| group_room(&groups, |path| read(&format!("/sys/fs/cgroup{path}"))));
    Some(group.map_or(system, |room| room.min(system)))
}

/// The room left under the process's control group memory limit: cgroup v2
/// (`memory.max` - `memory.current` of the `0::` group) or v1 (`memory.limit_in_bytes` -
/// `memory.usage_in_bytes` of the `memory` controller's group). `read` gets a file under
/// /sys/fs/cgroup. `None` without a limit (`max`) or where nothing can be read.
fn group_room(groups: &str, read: impl Fn(&str) -> Option<String>) -> Option<u64> {
    let number = |text: Option<String>| text?.trim().parse::<u64>().ok();
    let room = |limit: Option<u64>, usage: Option<u64>| Some(limit?.saturating_sub(usage?));
    let mut found = None;
    for line in groups.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let path = path.trim_end_matches('/');
        let here = if controllers.is_empty() {
            room(
                number(read(&format!("{path}/memory.max"))),
                number(read(&format!("{path}/memory.current"))),
            )
        } else if controllers.split(',').any(|c| c == "memory") {
            room(
                number(read(&format!("/memory{path}/memory.limit_in_bytes"))),
                number(read(&format!("/memory{path}/memory.usage_in_bytes"))),
            )
        } else {
            None
        };
        found = match (found, here) {
            (Some(a), Some(b)) => Some(u64::min(a, b)),
            (a, b) => a.or(b),
        };
    }
    found
}

fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kib = line.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
    kib.checked_mul(1024)
}

/// Whether `needed` bytes more can be taken with room to spare: twice as much available
/// (the estimate is rough, and other processes need memory too). Unknown availability
/// never counts as room.
pub fn to_spare(needed: u64, available: Option<u64>) -> bool {
    available.is_some_and(|a| a / 2 >= needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delay() -> std::ffi::c_long {
        // SAFETY: as in `initial_delay`.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    #[test]
    fn available_memory_is_read_from_meminfo() {
        let info = "MemTotal:       24684084 kB\nMemFree:        20019000 kB\nMemAvailable:   23548000 kB\n";
        assert_eq!(mem_available(info), Some(23_548_000 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: lots\n"), None);
        if std::path::Path::new("/proc/meminfo").exists() {
            assert!(available().is_some_and(|a| a > 0));
        }
    }

    #[test]
    fn a_control_group_limit_leaves_less_room() {
        let files = |files: &'static [(&'static str, &'static str)]| {
            move |path: &str| {
                files
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, text)| text.to_string())
            }
        };
        // cgroup v2: limit minus usage; "max" is no limit.
        let v2 = "0::/ci/job\n";
        let limited = files(&[
            ("/ci/job/memory.max", "8589934592\n"),
            ("/ci/job/memory.current", "6442450944\n"),
        ]);
        assert_eq!(group_room(v2, limited), Some(2_147_483_648));
        let unlimited = files(&[
            ("/ci/job/memory.max", "max\n"),
            ("/ci/job/memory.current", "6442450944\n"),
        ]);
        assert_eq!(group_room(v2, unlimited), None);
        // cgroup v1: the memory controller's group; usage above the limit leaves none.
        let v1 = "5:devices:/\n4:memory:/docker/abc/\n0::/\n";
        let over = files(&[
            ("/memory/docker/abc/memory.limit_in_bytes", "1000\n"),
            ("/memory/docker/abc/memory.usage_in_bytes", "1500\n"),
        ]);
        assert_eq!(group_room(v1, over), Some(0));
        assert_eq!(group_room("garbage", files(&[])), None);
        assert_eq!(group_room(v1, files(&[])), None);
    }

    #[test]
    fn memory_is_to_spare_when_twice_the_need_is_available() {
        assert!(to_spare(500, Some(1000)));
        assert!(!to_spare(501, Some(1000)));
        assert!(!to_spare(1, None));
        assert!(to_spare(0, Some(0)));
    }

    #[test]
    fn keeping_freed_memory_turns_purging_off_and_back() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            // The user's setting is left alone.
            let before = delay();
            keep_freed(true);
            assert_eq!(delay(), before);
            return;
        }
        // mimalloc v3's default purge delay: the option index is the purge delay's.
        assert_eq!(initial_delay(), 1000);
        keep_freed(true);
        assert_eq!(delay(), -1);
        keep_freed(false);
        assert_eq!(delay(), 1000);
    }
}
