//! The process's memory, for the debug log (every stage may use it).

/// The process's peak resident memory so far, in MiB, where the system tells it (Linux).
pub fn peak_memory_mib() -> Option<u64> {
    status_mib("VmHWM:")
}

/// The process's resident memory now, in MiB, where the system tells it (Linux): read from
/// `/proc/self/statm`, a few numbers (`VmRSS` of `/proc/self/status` is the same figure in a
/// longer file), as the watcher ([`watch_resident`]) reads it every few milliseconds.
pub fn resident_memory_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some((pages * page_bytes()) >> 20)
}

/// The size of the system's pages, in bytes.
fn page_bytes() -> u64 {
    #[cfg(unix)]
    // SAFETY: sysconf takes no pointer.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    #[cfg(not(unix))]
    let size = 4096;
    u64::try_from(size).unwrap_or(4096)
}

/// Whether the process holds less than `limit` MiB now (false where the system does not tell):
/// the test of the steps that run side by side only while the process is small.
pub fn resident_below_mib(limit: u64) -> bool {
    resident_memory_mib().is_some_and(|now| now < limit)
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
    let stat = ProcessStat::read()?;
    Some((stat.user_ticks + stat.system_ticks) * 10)
}

/// The part of [`cpu_time_ms`] spent in the kernel for the process (page faults, clearing new
/// pages, handing memory back, reading and writing files), in milliseconds.
pub fn kernel_time_ms() -> Option<u64> {
    Some(ProcessStat::read()?.system_ticks * 10)
}

/// The minor page faults of the process so far (Linux): each a page the kernel made resident,
/// most of them new memory that it cleared first.
pub fn minor_faults() -> Option<u64> {
    Some(ProcessStat::read()?.minor_faults)
}

/// The counters of `/proc/self/stat` the logs report.
struct ProcessStat {
    minor_faults: u64,
    user_ticks: u64,
    system_ticks: u64,
}

impl ProcessStat {
    fn read() -> Option<ProcessStat> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The fields after the command name (in parentheses, which may hold spaces), from the
        // process's state: the 8th is the minor faults, the 12th and 13th are the user and
        // system times, in ticks of 1/100 s (Linux's USER_HZ).
        let (_, fields) = stat.rsplit_once(')')?;
        // Some fields before them may be negative (the terminal's process group, -1 without a
        // terminal): only the three are read as numbers.
        let fields: Vec<&str> = fields.split_whitespace().take(13).collect();
        let number = |index: usize| fields.get(index)?.parse().ok();
        Some(ProcessStat {
            minor_faults: number(7)?,
            user_ticks: number(11)?,
            system_ticks: number(12)?,
        })
    }
}

/// Keeps the process on the system's small (4 KiB) pages, without transparent huge pages
/// (Linux; elsewhere nothing), whatever the input's size: mimalloc asks for huge pages, and a
/// 2 MiB page the program uses a little of is resident whole and is cleared whole by the
/// kernel each time it is touched again after going back. Measured at 100,000 generated
/// processes (`score`, every output): 6.14-6.61 s and 821-835 MB with huge pages, 5.67-5.96 s
/// and 763-792 MB without, the kernel's time halved. At 1,000,000, where the run hands memory
/// back to keep within 2 GB (see [`watch_resident`]), five alternate pairs: 38.0-39.8 s
/// (38.9 on average) with small pages only against 39.6-40.9 s (40.1) with huge pages, the
/// kernel's time 7.1-7.7 s against 10.1-11.1 s, the same peaks (1,854,036-1,863,036 KiB
/// against 1,860,244-1,878,896): a huge page that goes back in part is split, and one touched
/// again is cleared whole (in a profile, clearing pages took 10% of the processor's time with
/// huge pages, 3% without). Called at the start.
pub fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointer; it sets a flag of the calling process.
    unsafe {
        let disable: libc::c_ulong = 1;
        libc::prctl(libc::PR_SET_THP_DISABLE, disable, 0, 0, 0);
    }
}

// mimalloc's own entry points (the crate `mimalloc` links the library; its extended API is not
// exposed by it).
use mimalloc as _;
unsafe extern "C" {
    fn mi_collect(force: bool);
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// mimalloc's `mi_option_purge_delay`: its place in the library's list of options (the same in
/// its versions 2 and 3).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// The delay, in milliseconds, after which mimalloc hands freed memory back to the system on
/// its own while the process holds less than [`AT_ONCE_ABOVE_MIB`]: an hour, longer than any
/// run.
const PURGE_DELAY_MS: std::ffi::c_long = 3_600_000;

/// mimalloc's own purge delay (version 3): a second.
#[cfg(test)]
const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// The resident memory, in MiB, from which a thread of its own ([`watch_resident`]) hands the
/// memory freed so far back to the system each time the resident memory has grown by
/// [`WATCH_STEP_MIB`] since the last time, until [`AT_ONCE_ABOVE_MIB`]. Below it, freed memory
/// stays for the next step, which would otherwise take it back as page faults that the kernel
/// clears. It replaces mimalloc's own purges 100 ms after a free from 1.5 GiB (the run's steps
/// then decided the level, between them, not as the memory grew): at 1,000,000 generated
/// processes, three alternate pairs of runs, 40.09, 39.69 and 40.14 s against 42.26, 41.69 and
/// 40.80 s, 0.95-1.00 million page faults against 1.61-1.65 million, the kernel's time 9.6-10.9
/// s against 11.1-12.6, and peaks of 1,877,556-1,886,784 KiB against 1,866,868-1,921,220 (and
/// 1,956,564 and 1,980,648 KiB, over the 2 GB the run has, in two of eight runs that session).
/// The peak is this level and what the steps hold live when they reach it.
const WATCH_FROM_MIB: u64 = 1800;

/// How much, in MiB, the resident memory grows above [`WATCH_FROM_MIB`] between two hand-backs
/// of the watcher.
const WATCH_STEP_MIB: u64 = 16;

/// How often the watcher reads the resident memory.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(5);

/// Starts, once per process, the thread that hands freed memory back near the memory a run
/// has (see [`WATCH_FROM_MIB`]): a forced collection from it purges what every thread has
/// freed to mimalloc's arenas. It reads `/proc/self/statm` every [`WATCH_EVERY`] and stops
/// where the system does not tell the resident memory.
pub fn watch_resident() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let watch = || {
            let mut last: Option<u64> = None;
            loop {
                std::thread::sleep(WATCH_EVERY);
                let Some(now) = resident_memory_mib() else {
                    return;
                };
                if !(WATCH_FROM_MIB..AT_ONCE_ABOVE_MIB).contains(&now) {
                    last = None;
                    continue;
                }
                if last.is_some_and(|last| now < last + WATCH_STEP_MIB) {
                    continue;
                }
                // SAFETY: `mi_collect` takes no pointer and may be called from any thread.
                unsafe { mi_collect(true) };
                last = resident_memory_mib();
            }
        };
        // Without the thread, the run goes on with the hand-backs between its steps only.
        let _ = std::thread::Builder::new()
            .name("redflags-memory".into())
            .spawn(watch);
    });
}

/// Sets when mimalloc hands freed memory back to the system, by the resident memory now:
/// below [`AT_ONCE_ABOVE_MIB`] only when asked to, by [`release_freed`] (at the end of a stage
/// or batch, and only above [`KEPT_BELOW_MIB`]) and by the watcher near the memory a run has
/// ([`watch_resident`]), not on its own a second after it was freed (its default), so that a
/// stage's freed pages are there for the next step; from [`AT_ONCE_ABOVE_MIB`] at once. Pages
/// handed back come back as page faults that the kernel clears: counted by the system
/// (`/usr/bin/time`'s minor faults), at 100,000 generated processes 286,218 -> 129,422 and the
/// kernel's time 1.41 -> 0.74 s, the peak 490 -> 582 MB, purging on demand against mimalloc's
/// default. At 5,000,000, whose memory is above 4 GiB for most of the run, freed memory held
/// until the next release took the peak from 7.46 to 8.28 GB, past the 8 GB the run has: so
/// the delay depends on the size. Called at the start, after every batch read and by every
/// [`release_freed`].
pub fn purge_as_size_fits() {
    purge_as_fits(resident_memory_mib());
}

/// [`purge_as_size_fits`] with the resident memory, in MiB, already read.
fn purge_as_fits(resident_mib: Option<u64>) {
    let at_once = resident_mib.is_some_and(|now| now >= AT_ONCE_ABOVE_MIB);
    let level = u8::from(at_once);
    if PURGE_LEVEL.swap(level, std::sync::atomic::Ordering::Relaxed) == level {
        return;
    }
    let delay = if at_once { 0 } else { PURGE_DELAY_MS };
    // SAFETY: setting an option takes no pointer; mimalloc reads this one each time it purges.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
    if at_once {
        // The purges already scheduled are due in an hour: a forced collection purges them
        // now and starts the schedule again, with no delay.
        // SAFETY: `mi_collect` takes no pointer and may be called from any thread at any time.
        unsafe { mi_collect(true) };
    }
}

/// The resident memory, in MiB, from which mimalloc hands freed memory back at once: runs
/// whose tables take most of the machine's memory (5,000,000 generated processes hold 4-8 GiB
/// through the run), where each stage's freed pages, kept for 100 ms, took the peak past the
/// 8 GB the run has. (At 1,000,000 purges at once cost much time: 56.3-57.1 s and 7.1 million
/// page faults against 45.5-48.1 s and 2.5 million with a delay of 100 ms, in an earlier
/// session.)
const AT_ONCE_ABOVE_MIB: u64 = 4096;

/// How mimalloc purges ([`purge_as_size_fits`]): 0 on demand only, 1 at once, 2 not set yet.
static PURGE_LEVEL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(2);

/// Returns the memory freed so far to the system (mimalloc keeps freed pages for reuse, see
/// [`purge_as_size_fits`]): between stages that free much and then allocate large new blocks.
/// Each thread's heap holds its own freed pages, so every thread of both pools (this crate's
/// and Polars') collects its own.
///
/// Nothing is returned while the process holds less than [`KEPT_BELOW_MIB`]: the pages handed
/// back are soon asked for again, and each comes back as a page fault that the kernel clears.
pub fn release_freed() {
    let resident = resident_memory_mib();
    purge_as_fits(resident);
    if resident.is_some_and(|now| now < KEPT_BELOW_MIB) {
        return;
    }
    // SAFETY: `mi_collect` takes no pointer and may be called from any thread at any time.
    let collect = |()| unsafe { mi_collect(true) };
    collect(());
    rayon::broadcast(|_| collect(()));
    polars_core::runtime::THREAD_POOL.broadcast(|_| collect(()));
}

/// The resident memory, in MiB, below which [`release_freed`] keeps the freed pages for reuse.
/// At 100,000 generated processes (`score`, every output, about 400 MB resident) handing them
/// back after every stage took the kernel 1.0-1.1 s of the run's 6.5-7.5 s of processor time,
/// against 0.55-0.6 s keeping them: the run took 4.46-4.72 s against 4.08-4.19 s (three
/// alternate pairs), and its peak went from 400 to 500 MB. Large inputs, whose memory is past
/// the floor for most of the run, still hand back after every stage: at 1,000,000 the peak
/// went from 1.74 to 1.85 GB.
const KEPT_BELOW_MIB: u64 = 1024;

/// Returns freed memory to the system ([`release_freed`]) only in runs past
/// [`AT_ONCE_ABOVE_MIB`] and once the resident memory has grown by more than a step since the
/// last time: between steps that each free what they made, a release after every one of them
/// costs more than it gives when they are small (at 100,000 generated processes, a release
/// after each indicator took 0.25 s of the run's 5.5 and its memory came back as page faults),
/// while a step of large tables still gets one.
pub struct Releases {
    step_mib: u64,
    after_mib: Option<u64>,
}

impl Releases {
    /// Releases from now on once the resident memory has grown by more than `step_mib` (the
    /// caller having just released, or having nothing to release).
    pub fn new(step_mib: u64) -> Releases {
        Releases {
            step_mib,
            after_mib: resident_memory_mib(),
        }
    }

    /// Releases if the resident memory is at least [`AT_ONCE_ABOVE_MIB`], grew by more than
    /// the step since the last release and is within [`BELOW_PEAK_MIB`] of the run's peak so
    /// far (always where the system does not tell the resident memory): memory kept further
    /// below the peak than that is reused by the next step without taking the run past a peak
    /// it has already had.
    ///
    /// Below [`AT_ONCE_ABOVE_MIB`] the watcher ([`watch_resident`]) holds the peak as the memory
    /// grows, and a release between two steps only hands back what the next step takes again
    /// as page faults. At 1,000,000 generated processes, whose indicators run at 1.1-1.8 GiB,
    /// the same Polars queries took two to four times as long in the run as alone (one
    /// indicator's 282 ms against 69 ms; 70 ms in the run without these releases). Without
    /// them, seven alternate pairs of runs took 36.57-39.83 s (38.20 on average) against
    /// 38.21-40.79 s (39.35), quicker in each pair, with 2.26-2.44 million page faults against
    /// 2.72-3.04 million and peaks of 1,849,492-1,864,372 KiB against 1,843,996-1,855,276; the
    /// outputs are the same bytes.
    pub fn release_if_grown(&mut self) {
        let now = resident_memory_mib();
        if now.is_some_and(|now| now < AT_ONCE_ABOVE_MIB) {
            return;
        }
        if let (Some(after), Some(now)) = (self.after_mib, now)
            && (now <= after + self.step_mib
                || run_peak_mib().is_some_and(|peak| now + BELOW_PEAK_MIB <= peak))
        {
            return;
        }
        release_freed();
        self.after_mib = resident_memory_mib();
    }
}

/// How far below the run's peak so far, in MiB, the resident memory must be for
/// [`Releases::release_if_grown`] to keep the freed memory. At 1,000,000 generated processes
/// the bids batch sets the run's peak and the 20 indicators of the last batch stay below it:
/// handing their freed memory back after each of them took 1.19 million of the run's 3.4
/// million page faults. Kept, the run's faults were 3,756,647 -> 2,426,182 and 2,450,208, the
/// kernel's time 14.78 -> 11.79 and 10.13 s, the processor time 97.8 -> 94.4 and 89.4 s, and
/// the peak 1,828,612 -> 1,802,016 and 1,808,324 KiB.
const BELOW_PEAK_MIB: u64 = 64;

/// The peak resident memory since the previous call (or since the start), in MiB: each stage
/// of the debug log gives its own peak. Where the system cannot start the peak again (it
/// refuses the write, or it is not Linux), this is the peak so far, as [`peak_memory_mib`].
///
/// Starting the peak again also starts the peak that the system reports when the process ends
/// (`/usr/bin/time`'s maximum resident set size) again: the debug log, which calls this, is for
/// reading stages, and its `run_peak_mib` ([`run_peak_mib`]) keeps the run's peak.
pub fn stage_peak_mib() -> Option<u64> {
    let peak = peak_memory_mib()?;
    RUN_PEAK_MIB.fetch_max(peak, std::sync::atomic::Ordering::Relaxed);
    // Writing 5 to clear_refs starts the peak resident set size again from the resident memory
    // now (see proc(5)).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    Some(peak)
}

/// The largest stage peak read by [`stage_peak_mib`] so far.
static RUN_PEAK_MIB: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The run's peak resident memory so far, in MiB, with the stages' peaks started again by
/// [`stage_peak_mib`]: the largest of them and the current stage's.
pub fn run_peak_mib() -> Option<u64> {
    let current = peak_memory_mib()?;
    Some(current.max(RUN_PEAK_MIB.load(std::sync::atomic::Ordering::Relaxed)))
}

/// The bytes `frame` holds, as the logs report them: a column held as one value (a field no
/// row has, see [`crate::frames`]) counts as nothing. Polars' own `estimated_size` would write
/// such a column out row by row to measure it, and keep it so.
pub fn held_bytes(frame: &polars::prelude::DataFrame) -> usize {
    frame.columns().iter().map(held_column_bytes).sum()
}

/// The bytes `column` holds, as [`held_bytes`] counts them.
pub fn held_column_bytes(column: &polars::prelude::Column) -> usize {
    match column {
        polars::prelude::Column::Series(series) => series.estimated_size(),
        polars::prelude::Column::Scalar(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    /// Touching 64 MiB of new memory is counted as page faults, and the kernel's time is a part
    /// of the processor time.
    #[test]
    #[cfg(target_os = "linux")]
    fn new_memory_is_counted_as_faults() {
        const SIZE: usize = 64 << 20;
        // Memory of its own from the system, not the allocator's, which may have it resident.
        // SAFETY: an anonymous private mapping, written within its length and unmapped after.
        let (before, after) = unsafe {
            let mapped = libc::mmap(
                std::ptr::null_mut(),
                SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(mapped, libc::MAP_FAILED);
            let before = super::minor_faults().unwrap();
            let bytes = mapped.cast::<u8>();
            for offset in (0..SIZE).step_by(4096) {
                bytes.add(offset).write_volatile(1);
            }
            let after = super::minor_faults().unwrap();
            libc::munmap(mapped, SIZE);
            (before, after)
        };
        // At least one fault per 2 MiB, whatever the page size the system gave.
        assert!(after - before >= 32, "{before} -> {after}");
        assert!(super::kernel_time_ms().unwrap() <= super::cpu_time_ms().unwrap());
    }

    /// The resident memory read from `statm` is the figure `status` gives (`VmRSS`).
    #[test]
    fn the_resident_memory_reads_the_same_from_either_file() {
        let (Some(status), Some(statm)) =
            (super::status_mib("VmRSS:"), super::resident_memory_mib())
        else {
            panic!("the system tells no resident memory");
        };
        assert!(
            status.abs_diff(statm) <= 8,
            "{status} MiB against {statm} MiB"
        );
        assert!(statm > 0);
    }

    /// The option set is mimalloc's purge delay: the one whose default is a second (version 3);
    /// a test process is far below the size from which mimalloc purges on its own.
    #[test]
    fn the_option_set_is_the_purge_delay() {
        // SAFETY: reading an option takes no pointer.
        let delay = || unsafe { super::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay(), super::DEFAULT_PURGE_DELAY_MS);
        super::purge_as_size_fits();
        assert_eq!(delay(), super::PURGE_DELAY_MS);
    }
}
