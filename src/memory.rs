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
