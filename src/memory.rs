//! The process's memory and processor time, for the debug log (every stage may use it).

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
/// milliseconds, where the system tells it (Linux): unlike the elapsed time, it hardly depends
/// on what else the machine runs.
pub fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (in parentheses, which may hold spaces): utime and
    // stime are the 12th and 13th of them, in clock ticks (100 per second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10)
}
