//! The process's memory, for the debug log (every stage may use it).

/// The process's peak resident memory so far, in MiB, where the system tells it (Linux).
pub fn peak_memory_mib() -> Option<u64> {
    status_mib("VmHWM:")
}

/// The process's resident memory now, in MiB, where the system tells it (Linux).
pub fn resident_memory_mib() -> Option<u64> {
    status_mib("VmRSS:")
}

/// A memory line of `/proc/self/status`, in MiB.
fn status_mib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(key))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// The processor time the process has used so far (user and system, every thread), in
/// milliseconds, where the system tells it (Linux): a stage's share of the work that, unlike
/// its elapsed time, does not grow when other programs share the machine.
pub fn cpu_time_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (in parentheses, which may hold spaces): the 12th and
    // 13th are the user and system times, in ticks of 1/100 s (Linux's USER_HZ).
    let (_, fields) = stat.rsplit_once(')')?;
    let mut fields = fields.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) * 10)
}

// mimalloc's own entry point (the crate `mimalloc` links the library; its extended API is not
// exposed by it).
use mimalloc as _;
unsafe extern "C" {
    fn mi_collect(force: bool);
}

/// Returns the memory freed so far to the system (mimalloc keeps freed pages a while for
/// reuse): between stages that free much and then allocate large new blocks.
pub fn release_freed() {
    // SAFETY: `mi_collect` takes no pointer and may be called from any thread at any time.
    unsafe { mi_collect(true) }
}
