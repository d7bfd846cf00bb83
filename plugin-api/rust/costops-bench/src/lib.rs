//! Write cost-ops benchmark target plugins in safe Rust.
//!
//! A plugin is a `cdylib` exporting one C function, `bench_target_v1_entry`
//! (the ABI is `bench_target_v1.h`, mirrored in [`abi`]). With this crate a
//! target is a type implementing [`Benchmark`], and [`plugin!`] exports the
//! entry function:
//!
//! ```ignore
//! use costops_bench::{Benchmark, Error, Host};
//!
//! struct SumValues { values: Vec<u64>, sum: u64 }
//!
//! impl Benchmark for SumValues {
//!     fn setup(host: Host, n: i64) -> Result<Self, Error> {   // untimed
//!         host.set_items_per_operation(n as u64);
//!         Ok(SumValues { values: (0..n as u64).collect(), sum: 0 })
//!     }
//!     fn run(&mut self, iterations: u64) -> Result<(), Error> { // timed
//!         for _ in 0..iterations {
//!             costops_bench::clobber_memory();
//!             self.sum = self.values.iter().sum();
//!             costops_bench::do_not_optimize(&self.sum);
//!         }
//!         Ok(())
//!     }
//!     fn teardown(self) -> Result<(), Error> {                   // verify
//!         let n = self.values.len() as u64;
//!         if self.sum == n * (n.max(1) - 1) / 2 { Ok(()) } else { Err(Error::verification("wrong sum")) }
//!     }
//! }
//!
//! costops_bench::plugin! {
//!     name: "my-plugin",
//!     version: env!("CARGO_PKG_VERSION"),
//!     targets: [
//!         costops_bench::family!(SumValues, "sum_values", "sum n values", [1000, 10000], "values"),
//!     ],
//! }
//! ```
//!
//! Panics never cross into the host: every call is wrapped in
//! `catch_unwind` and a panic becomes an error with its message (keep the
//! default `panic = "unwind"`). Builds with rustc 1.63 and later.

use std::ffi::{c_void, CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub mod abi;

use abi::{HostInfo, HostServices, Plugin, Status, Target};

/// Why a target could not do its work. The message reaches the host's
/// results and progress output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Something went wrong (the target ends as `failed`).
    Failed(String),
    /// The code under test computed a wrong answer (`failed`, "verification failed").
    VerificationFailed(String),
    /// The target cannot run on this machine (it ends as `skipped`, not a failure).
    Unsupported(String),
}

impl Error {
    pub fn failed(message: impl Into<String>) -> Self {
        Error::Failed(message.into())
    }
    pub fn verification(message: impl Into<String>) -> Self {
        Error::VerificationFailed(message.into())
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Error::Unsupported(message.into())
    }
    fn status(&self) -> Status {
        match self {
            Error::Failed(_) => abi::STATUS_ERROR,
            Error::VerificationFailed(_) => abi::STATUS_VERIFICATION_FAILED,
            Error::Unsupported(_) => abi::STATUS_UNSUPPORTED,
        }
    }
    fn message(&self) -> &str {
        match self {
            Error::Failed(m) | Error::VerificationFailed(m) | Error::Unsupported(m) => m,
        }
    }
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::Failed(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error::Failed(message.to_owned())
    }
}

/// One benchmark target. The host calls `setup` once (untimed), `run` many
/// times (timed; `iterations` may be 0, then do nothing) and `teardown` once
/// when setup succeeded. Each target runs in a process of its own.
pub trait Benchmark: Sized {
    /// Build the input and check the code once. `argument` is the family
    /// member's argument (0 for a plain target).
    fn setup(host: Host, argument: i64) -> Result<Self, Error>;
    /// Do the operation `iterations` times. Use [`do_not_optimize`] and
    /// [`clobber_memory`] so the compiler cannot delete or hoist the work.
    fn run(&mut self, iterations: u64) -> Result<(), Error>;
    /// (ABI 1.2) Untimed, after every batch: restore the state so every
    /// batch starts alike (delete the rows the batch inserted). The default
    /// does nothing.
    fn reset(&mut self) -> Result<(), Error> {
        Ok(())
    }
    /// (ABI 1.4) The operation `iterations` times on thread `thread_index`
    /// of a threaded target ([`threaded`], [`threaded!`]): the host calls it
    /// on every thread at once, sharing `&self`, so each thread writes only
    /// its own slot (an atomic, a `Mutex` per thread). No host service here
    /// (the C ABI's rule): a threaded type keeps its host as a [`SyncHost`],
    /// which only `&mut self` opens, so counting goes into the thread's slot
    /// and `reset` or `teardown` reports the totals. The default fails: only
    /// threaded targets are called so.
    fn run_thread(&self, thread_index: u32, iterations: u64) -> Result<(), Error> {
        let _ = (thread_index, iterations);
        Err(Error::failed(
            "run_thread is not implemented for this target",
        ))
    }
    /// Verify once more if useful. Dropping `self` frees the state.
    fn teardown(self) -> Result<(), Error> {
        Ok(())
    }
}

/// The host's services for one target: a cheap handle, valid from setup
/// until teardown returns. It is neither `Send` nor `Sync`: call it on the
/// thread the host called you on. A threaded target keeps a [`SyncHost`].
#[derive(Clone, Copy)]
pub struct Host {
    services: *const HostServices,
}

impl Host {
    fn table(&self) -> &HostServices {
        // SAFETY: the host keeps the table valid until teardown returns, and
        // a Host is only made inside setup.
        unsafe { &*self.services }
    }
    fn has(&self, end_of_field: usize) -> bool {
        self.table().struct_size as usize >= end_of_field
    }

    /// Work of one operation in bytes: the host reports MB/s.
    pub fn set_bytes_per_operation(&self, bytes: u64) {
        let t = self.table();
        if let Some(f) = t.set_bytes_per_operation {
            f(t.host_context, bytes)
        }
    }
    /// Work of one operation in items (records, rows): the host reports items/s.
    pub fn set_items_per_operation(&self, items: u64) {
        let t = self.table();
        if let Some(f) = t.set_items_per_operation {
            f(t.host_context, items)
        }
    }
    /// A numeric metric; `key` is lowercase snake_case, `value` finite.
    pub fn report_number(&self, key: &str, value: f64) {
        let (t, key) = (self.table(), c_string(key));
        if let Some(f) = t.report_metric_number {
            f(t.host_context, key.as_ptr(), value)
        }
    }
    /// A string metric.
    pub fn report_string(&self, key: &str, value: &str) {
        let (t, key, value) = (self.table(), c_string(key), c_string(value));
        if let Some(f) = t.report_metric_string {
            f(t.host_context, key.as_ptr(), value.as_ptr())
        }
    }
    /// A line in the host's log (`--verbose`); `level` is one of `abi::LOG_*`.
    pub fn log(&self, level: i32, message: &str) {
        let (t, message) = (self.table(), c_string(message));
        if let Some(f) = t.log {
            f(t.host_context, level, message.as_ptr())
        }
    }
    /// The family member's argument; 0 for a plain target.
    pub fn argument(&self) -> i64 {
        let end = abi::offset_of_argument() + std::mem::size_of::<i64>();
        if self.has(end) {
            self.table().argument
        } else {
            0
        }
    }
    /// The target's `user_data` (1.1); NULL when absent.
    pub fn user_data(&self) -> *const c_void {
        let end = abi::offset_of_argument()
            + std::mem::size_of::<i64>()
            + std::mem::size_of::<*const c_void>();
        if self.has(end) {
            self.table().user_data
        } else {
            std::ptr::null()
        }
    }
    fn has_function(&self, offset: usize) -> bool {
        self.has(offset + std::mem::size_of::<*const c_void>())
    }
    /// (1.3) Adds time the plugin measured itself to the current `run` call:
    /// the sample's time is then the sum reported. False on an older host.
    pub fn add_manual_time_ns(&self, nanoseconds: u64) -> bool {
        let t = self.table();
        match t.add_manual_time_ns {
            Some(f) if self.has_function(abi::offset_of_add_manual_time_ns()) => {
                f(t.host_context, nanoseconds);
                true
            }
            _ => false,
        }
    }
    /// (1.3) Stops the host's clock inside `run` until [`Host::resume_timing`]
    /// (two clock reads per pair: pause only around longer work).
    pub fn pause_timing(&self) -> bool {
        let t = self.table();
        let offset = abi::offset_of_add_manual_time_ns() + std::mem::size_of::<*const c_void>();
        match t.pause_timing {
            Some(f) if self.has_function(offset) => {
                f(t.host_context);
                true
            }
            _ => false,
        }
    }
    /// (1.3) Restarts the host's clock after [`Host::pause_timing`].
    pub fn resume_timing(&self) -> bool {
        let t = self.table();
        let offset = abi::offset_of_add_manual_time_ns() + 2 * std::mem::size_of::<*const c_void>();
        match t.resume_timing {
            Some(f) if self.has_function(offset) => {
                f(t.host_context);
                true
            }
            _ => false,
        }
    }
    /// (1.4) Threads `run_thread` runs on for this target; 1 when unthreaded
    /// or on an older host. Size per-thread state with it in `setup`.
    pub fn threads(&self) -> u32 {
        if self.has(abi::offset_of_threads() + std::mem::size_of::<u32>())
            && self.table().threads > 0
        {
            self.table().threads
        } else {
            1
        }
    }
    /// (1.4) A counter: a total over every `run` call since setup, reported
    /// as `<key>_per_second` (`abi::COUNTER_RATE`), `<key>_per_op`
    /// (`abi::COUNTER_AVG_ITERATIONS`) or as is (0). Report it from `reset`
    /// or `teardown`. False on an older host (nothing reported).
    pub fn report_counter(&self, key: &str, value: f64, flags: u32) -> bool {
        let (t, key) = (self.table(), c_string(key));
        match t.report_counter {
            Some(f) if self.has_function(abi::offset_of_report_counter()) => {
                f(t.host_context, key.as_ptr(), value, flags);
                true
            }
            _ => false,
        }
    }
    /// The id being set up after family expansion ("sum_values_1000"); "" when absent.
    pub fn target_id(&self) -> &str {
        let end = abi::offset_of_target_id() + std::mem::size_of::<*const c_char>();
        let id = if self.has(end) {
            self.table().target_id
        } else {
            std::ptr::null()
        };
        if id.is_null() {
            return "";
        }
        // SAFETY: a NUL-terminated string the host keeps until teardown.
        unsafe { CStr::from_ptr(id) }.to_str().unwrap_or("")
    }
}

/// (ABI 1.4) The [`Host`] of a threaded target: `Sync`, so a type keeping
/// one can still be [`threaded`], while the services open only through
/// `&mut self`. The C ABI allows no host service from `run_thread`; in Rust
/// that rule is the borrow checker's: `run_thread` gets `&self` and cannot
/// reach the host, `setup`, `run`, `reset` and `teardown` own the target and
/// can. Count on each thread into its own slot (an atomic), then report the
/// totals from `reset` or `teardown`:
///
/// ```
/// use costops_bench::{abi, Benchmark, Error, Host, SyncHost};
/// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
///
/// struct Lookups { host: SyncHost, per_thread: Vec<AtomicU64> }
///
/// impl Benchmark for Lookups {
///     fn setup(host: Host, _: i64) -> Result<Self, Error> {
///         let per_thread = (0..host.threads()).map(|_| AtomicU64::new(0)).collect();
///         Ok(Lookups { host: SyncHost::new(host), per_thread })
///     }
///     fn run(&mut self, iterations: u64) -> Result<(), Error> {
///         self.run_thread(0, iterations)
///     }
///     fn run_thread(&self, thread: u32, iterations: u64) -> Result<(), Error> {
///         self.per_thread[thread as usize].fetch_add(3 * iterations, Relaxed);
///         Ok(())
///     }
///     fn teardown(mut self) -> Result<(), Error> {
///         let total: u64 = self.per_thread.iter().map(|n| n.load(Relaxed)).sum();
///         self.host.get().report_counter("lookups", total as f64, abi::COUNTER_RATE);
///         Ok(())
///     }
/// }
/// const T: abi::Target = costops_bench::threaded!(Lookups, "lookups", "3 lookups", 1, 4);
/// ```
///
/// From `run_thread` the host is out of reach (this does not compile):
///
/// ```compile_fail
/// # use costops_bench::{Benchmark, Error, Host, SyncHost};
/// struct Counts { host: SyncHost }
/// impl Benchmark for Counts {
///     fn setup(host: Host, _: i64) -> Result<Self, Error> { Ok(Counts { host: SyncHost::new(host) }) }
///     fn run(&mut self, n: u64) -> Result<(), Error> { self.run_thread(0, n) }
///     fn run_thread(&self, _: u32, n: u64) -> Result<(), Error> {
///         self.host.get().report_counter("n", n as f64, 0); // `self` is shared here
///         Ok(())
///     }
/// }
/// ```
///
/// and a threaded type cannot keep a plain `Host`, which is not `Sync`:
///
/// ```compile_fail
/// # use costops_bench::{Benchmark, Error, Host};
/// struct Keeps { host: Host }
/// impl Benchmark for Keeps {
///     fn setup(host: Host, _: i64) -> Result<Self, Error> { Ok(Keeps { host }) }
///     fn run(&mut self, _: u64) -> Result<(), Error> { Ok(()) }
/// }
/// const T: costops_bench::abi::Target = costops_bench::threaded!(Keeps, "keeps", "d", 1, 2);
/// ```
pub struct SyncHost {
    host: Host,
}

// SAFETY: a shared `&SyncHost` reaches nothing (every method takes `&mut
// self`), so sharing it between threads shares no access to the host's
// services: the argument of `std::sync::Exclusive`. Exclusive access is what
// the host's one calling thread has in setup, run, reset and teardown. Not
// `Send` (a `Host` is not): the handle never leaves that thread.
unsafe impl Sync for SyncHost {}

impl SyncHost {
    /// Keeps `host` (from `setup`) for a threaded target.
    pub fn new(host: Host) -> Self {
        SyncHost { host }
    }
    /// The host's services, from `setup`, `run`, `reset` or `teardown`.
    pub fn get(&mut self) -> &Host {
        &self.host
    }
}

/// A C string for the host; an interior NUL cuts the text there.
fn c_string(text: &str) -> CString {
    let end = text.find('\0').unwrap_or(text.len());
    CString::new(&text[..end]).unwrap_or_default()
}

/// Copy a message into the host's buffer: truncated, NUL-terminated.
fn write_message(buffer: *mut c_char, capacity: u64, message: &str) {
    if buffer.is_null() || capacity == 0 {
        return;
    }
    let n = message.len().min(capacity as usize - 1);
    // SAFETY: the host passes a buffer of `capacity` bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(message.as_ptr(), buffer as *mut u8, n);
        *buffer.add(n) = 0;
    }
}

/// Runs `body`; an error or a panic becomes a status and a message.
fn guarded(error: *mut c_char, capacity: u64, body: impl FnOnce() -> Result<(), Error>) -> Status {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Err(Error::Failed(format!("the Rust code panicked: {}", text)))
    });
    match outcome {
        Ok(()) => abi::STATUS_OK,
        Err(e) => {
            write_message(error, capacity, e.message());
            e.status()
        }
    }
}

/// Keeps the compiler from deleting the computation that produced `value`:
/// it must assume the value is read (an empty `asm!` taking its address, like
/// `bench_do_not_optimize` in C; `std::hint::black_box` needs rustc 1.66).
#[inline(always)]
pub fn do_not_optimize<T>(value: &T) {
    barrier::use_pointer(value as *const T as *const c_void)
}

/// The compiler must assume any memory changed, so work over unchanged
/// inputs cannot be hoisted out of the run loop.
#[inline(always)]
pub fn clobber_memory() {
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    barrier::touch_memory()
}

#[cfg(any(
    target_arch = "x86_64",
    target_arch = "x86",
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "riscv64"
))]
mod barrier {
    /// An empty instruction sequence that "uses" the pointer and may read
    /// and write any memory.
    #[inline(always)]
    pub fn use_pointer(pointer: *const std::ffi::c_void) {
        // SAFETY: no instructions; only the optimiser's view changes.
        unsafe { std::arch::asm!("/* {0} */", in(reg) pointer, options(nostack, preserves_flags)) }
    }
    #[inline(always)]
    pub fn touch_memory() {
        // SAFETY: as above.
        unsafe { std::arch::asm!("", options(nostack, preserves_flags)) }
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "x86",
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "riscv64"
)))]
mod barrier {
    /// Without asm!: a volatile read of the pointer, which the optimiser
    /// must perform.
    #[inline(always)]
    pub fn use_pointer(pointer: *const std::ffi::c_void) {
        // SAFETY: reads the local pointer variable, which is valid.
        unsafe { std::ptr::read_volatile(&pointer) };
    }
    #[inline(always)]
    pub fn touch_memory() {}
}

/// The C functions of target type `T` (used by [`target`] and [`family`]).
/// They are called by the host only, with the pointers the ABI promises.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub mod adapter {
    use super::*;

    pub extern "C" fn setup<T: Benchmark>(
        services: *const HostServices,
        state: *mut *mut c_void,
        error: *mut c_char,
        capacity: u64,
    ) -> Status {
        guarded(error, capacity, || {
            let host = Host { services };
            let target = T::setup(host, host.argument())?;
            // SAFETY: the host passes a valid out-pointer.
            unsafe { *state = Box::into_raw(Box::new(target)) as *mut c_void };
            Ok(())
        })
    }

    pub extern "C" fn run<T: Benchmark>(
        state: *mut c_void,
        iterations: u64,
        error: *mut c_char,
        capacity: u64,
    ) -> Status {
        // SAFETY: `state` is what setup stored; the host never shares it.
        guarded(error, capacity, || {
            unsafe { &mut *(state as *mut T) }.run(iterations)
        })
    }

    pub extern "C" fn reset<T: Benchmark>(
        state: *mut c_void,
        error: *mut c_char,
        capacity: u64,
    ) -> Status {
        // SAFETY: `state` is what setup stored; no run_thread is running.
        guarded(error, capacity, || {
            unsafe { &mut *(state as *mut T) }.reset()
        })
    }

    pub extern "C" fn run_thread<T: Benchmark + Sync>(
        state: *mut c_void,
        thread_index: u32,
        iterations: u64,
        error: *mut c_char,
        capacity: u64,
    ) -> Status {
        // SAFETY: every thread gets a shared reference only; T is Sync.
        guarded(error, capacity, || {
            unsafe { &*(state as *const T) }.run_thread(thread_index, iterations)
        })
    }

    pub extern "C" fn teardown<T: Benchmark>(
        state: *mut c_void,
        error: *mut c_char,
        capacity: u64,
    ) -> Status {
        // SAFETY: called once, after a successful setup: the Box is ours.
        guarded(error, capacity, || {
            unsafe { Box::from_raw(state as *mut T) }.teardown()
        })
    }
}

/// Panics at compile time (in a static) unless `text` ends with a NUL.
const fn c_str(text: &'static str) -> *const c_char {
    let bytes = text.as_bytes();
    assert!(
        !bytes.is_empty() && bytes[bytes.len() - 1] == 0,
        "strings for the ABI must end with \\0; use the target!/family! macros"
    );
    bytes.as_ptr() as *const c_char
}

const fn descriptor<T: Benchmark>(id: &'static str, description: &'static str) -> Target {
    Target {
        struct_size: std::mem::size_of::<Target>() as u32,
        flags: 0,
        id: c_str(id),
        description: c_str(description),
        setup: Some(adapter::setup::<T>),
        run: Some(adapter::run::<T>),
        teardown: Some(adapter::teardown::<T>),
        user_data: std::ptr::null(),
        complexity_variable: std::ptr::null(),
        arguments: std::ptr::null(),
        argument_count: 0,
        range_multiplier: 0,
        range_first: 0,
        range_last: 0,
        reset: Some(adapter::reset::<T>), // untimed; the default does nothing
        reserved_1_2: std::ptr::null(),
        threads: 0,
        threads_last: 0,
        run_thread: None,
        reserved_1_4: std::ptr::null(),
    }
}

/// `target` with `abi::TARGET_FLAG_*` bits set (`USES_THREADS`, `DOES_IO`).
pub const fn with_flags(target: Target, flags: u32) -> Target {
    let mut t = target;
    t.flags = flags;
    t
}

/// (ABI 1.4) `target` (from [`target`], [`family`], ...) run on `threads`
/// threads at once through [`Benchmark::run_thread`], or with `last` >
/// `threads` a family over thread counts (doubling, then `last`; ids
/// `<id>_t<count>`). `run` stays what an older host calls on one thread.
pub const fn threaded<T: Benchmark + Sync>(target: Target, threads: u32, last: u32) -> Target {
    let mut t = target;
    t.threads = threads;
    t.threads_last = if last > threads { last } else { 0 };
    t.run_thread = Some(adapter::run_thread::<T>);
    t
}

/// A plain target of type `T`. Strings end with `\0` (the [`target!`]
/// macro adds it).
pub const fn target<T: Benchmark>(id: &'static str, description: &'static str) -> Target {
    descriptor::<T>(id, description)
}

/// A family: one target per argument, ids `<id>_<argument>`; `variable`
/// names what the argument counts ("records"). See [`family!`].
pub const fn family<T: Benchmark>(
    id: &'static str,
    description: &'static str,
    arguments: &'static [i64],
    variable: &'static str,
) -> Target {
    let mut t = descriptor::<T>(id, description);
    t.complexity_variable = c_str(variable);
    t.arguments = arguments.as_ptr();
    t.argument_count = arguments.len() as u32;
    t
}

/// A family over a range: `first`, every power of `multiplier` strictly
/// between, then `last` (8, 1024, 8 gives 8, 64, 512, 1024).
pub const fn range_family<T: Benchmark>(
    id: &'static str,
    description: &'static str,
    first: i64,
    last: i64,
    multiplier: u32,
    variable: &'static str,
) -> Target {
    let mut t = descriptor::<T>(id, description);
    t.complexity_variable = c_str(variable);
    t.range_first = first;
    t.range_last = last;
    t.range_multiplier = multiplier;
    t
}

/// The descriptor of a plugin (used by [`plugin!`]).
pub const fn plugin_descriptor(
    name: &'static str,
    version: &'static str,
    build_info: &'static str,
    target_count: usize,
    get_target: extern "C" fn(u32) -> *const Target,
) -> Plugin {
    Plugin {
        struct_size: std::mem::size_of::<Plugin>() as u32,
        abi_major: abi::ABI_MAJOR,
        abi_minor: abi::ABI_MINOR,
        target_count: target_count as u32,
        name: c_str(name),
        version: c_str(version),
        build_info: c_str(build_info),
        get_target: Some(get_target),
        get_extension: None,
    }
}

/// The body of `bench_target_v1_entry` (used by [`plugin!`]): declines
/// another major, and a 1.0 host when a target is a family.
///
/// # Safety
/// `host` is NULL or the pointer the host passed to the entry function.
pub unsafe fn entry(
    host: *const HostInfo,
    plugin: &'static Plugin,
    targets: &[Target],
) -> *const Plugin {
    let host = match host.as_ref() {
        Some(host) => host,
        None => return std::ptr::null(),
    };
    let has_family = targets
        .iter()
        .any(|t| t.argument_count != 0 || t.range_multiplier != 0);
    if host.abi_major != abi::ABI_MAJOR || (host.abi_minor < 1 && has_family) {
        return std::ptr::null();
    }
    plugin
}

/// Declines to load, telling the host why when it offers a buffer (1.1).
/// For hand-written entry functions.
///
/// # Safety
/// `host` is NULL or the pointer the host passed to the entry function.
pub unsafe fn decline(host: *const HostInfo, reason: &str) -> *const Plugin {
    if let Some(host) = host.as_ref() {
        let end = abi::offset_of_decline_reason() + std::mem::size_of::<*mut c_char>();
        if host.struct_size as usize >= end {
            write_message(
                host.decline_reason,
                u64::from(host.decline_reason_capacity),
                reason,
            );
        }
    }
    std::ptr::null()
}

/// build_info for this build: the host warns about unoptimised plugins.
/// Keys on `debug_assertions`, which Cargo's dev profile turns on.
#[macro_export]
macro_rules! build_info {
    () => {
        if cfg!(debug_assertions) {
            "rustc, cargo debug profile, unoptimized\0"
        } else {
            "rustc, cargo release profile, optimized\0"
        }
    };
}

/// `target!(Type, "id", "description")`: a plain target.
#[macro_export]
macro_rules! target {
    ($ty:ty, $id:expr, $description:expr $(,)?) => {
        $crate::target::<$ty>(concat!($id, "\0"), concat!($description, "\0"))
    };
}

/// `threaded!(Type, "id", "description", 1, 8)` (ABI 1.4): a target run on
/// 1, 2, 4 and 8 threads through `run_thread` (ids `id_t1` .. `id_t8`);
/// `threaded!(Type, "id", "description", 4, 4)` runs on 4 threads only.
#[macro_export]
macro_rules! threaded {
    ($ty:ty, $id:expr, $description:expr, $threads:expr, $last:expr $(,)?) => {
        $crate::threaded::<$ty>(
            $crate::target::<$ty>(concat!($id, "\0"), concat!($description, "\0")),
            $threads,
            $last,
        )
    };
}

/// `family!(Type, "id", "description", [1000, 10000], "records")`: a family
/// with a list of arguments, or
/// `family!(Type, "id", "description", range(8, 1024, 8), "n")`.
#[macro_export]
macro_rules! family {
    ($ty:ty, $id:expr, $description:expr, [$($argument:expr),+ $(,)?], $variable:expr $(,)?) => {
        $crate::family::<$ty>(
            concat!($id, "\0"),
            concat!($description, "\0"),
            &[$($argument),+],
            concat!($variable, "\0"),
        )
    };
    ($ty:ty, $id:expr, $description:expr, range($first:expr, $last:expr, $multiplier:expr), $variable:expr $(,)?) => {
        $crate::range_family::<$ty>(
            concat!($id, "\0"),
            concat!($description, "\0"),
            $first,
            $last,
            $multiplier,
            concat!($variable, "\0"),
        )
    };
}

/// Defines the plugin descriptor and exports `bench_target_v1_entry`. Use
/// once per crate (a `cdylib`).
#[macro_export]
macro_rules! plugin {
    (name: $name:expr, version: $version:expr, targets: [$($target:expr),+ $(,)?] $(,)?) => {
        static COSTOPS_BENCH_TARGETS: &[$crate::abi::Target] = &[$($target),+];

        extern "C" fn costops_bench_get_target(index: u32) -> *const $crate::abi::Target {
            COSTOPS_BENCH_TARGETS
                .get(index as usize)
                .map_or(::std::ptr::null(), |t| t as *const $crate::abi::Target)
        }

        static COSTOPS_BENCH_PLUGIN: $crate::abi::Plugin = $crate::plugin_descriptor(
            concat!($name, "\0"),
            concat!($version, "\0"),
            $crate::build_info!(),
            COSTOPS_BENCH_TARGETS.len(),
            costops_bench_get_target,
        );

        /// The one symbol a cost-ops plugin exports.
        #[no_mangle]
        #[allow(clippy::not_unsafe_ptr_arg_deref)]
        pub extern "C" fn bench_target_v1_entry(
            host: *const $crate::abi::HostInfo,
        ) -> *const $crate::abi::Plugin {
            // SAFETY: `host` is what the host passed to this entry function.
            unsafe { $crate::entry(host, &COSTOPS_BENCH_PLUGIN, COSTOPS_BENCH_TARGETS) }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Panics;
    impl Benchmark for Panics {
        fn setup(host: Host, argument: i64) -> Result<Self, Error> {
            match argument {
                0 => Ok(Panics),
                1 => Err(Error::unsupported("no GPU here")),
                _ => Err(Error::failed(format!(
                    "bad argument {} for {}",
                    argument,
                    host.target_id()
                ))),
            }
        }
        fn run(&mut self, iterations: u64) -> Result<(), Error> {
            if iterations > 0 {
                panic!("boom at {}", iterations);
            }
            Ok(())
        }
    }

    fn services(argument: i64, target_id: &'static str) -> HostServices {
        HostServices {
            struct_size: std::mem::size_of::<HostServices>() as u32,
            abi_minor: abi::ABI_MINOR,
            host_context: std::ptr::null_mut(),
            set_bytes_per_operation: None,
            set_items_per_operation: None,
            report_metric_number: None,
            report_metric_string: None,
            log: None,
            argument,
            user_data: std::ptr::null(),
            target_id: target_id.as_ptr() as *const c_char,
            add_manual_time_ns: None,
            pause_timing: None,
            resume_timing: None,
            reserved_1_3: std::ptr::null(),
            threads: 0,
            reserved_1_4: 0,
            report_counter: None,
            reserved_1_4_pointer: std::ptr::null(),
        }
    }

    fn message(buffer: &[c_char]) -> String {
        unsafe { CStr::from_ptr(buffer.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_in_run_is_an_error_with_its_message() {
        let table = services(0, "panics\0");
        let mut state: *mut c_void = std::ptr::null_mut();
        let mut error = [0 as c_char; 64];
        assert_eq!(
            adapter::setup::<Panics>(&table, &mut state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        assert_eq!(
            adapter::run::<Panics>(state, 0, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        assert_eq!(
            adapter::run::<Panics>(state, 3, error.as_mut_ptr(), 64),
            abi::STATUS_ERROR
        );
        assert_eq!(message(&error), "the Rust code panicked: boom at 3");
        assert_eq!(
            adapter::teardown::<Panics>(state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
    }

    #[test]
    fn setup_errors_map_to_statuses_and_messages_are_truncated() {
        let mut state: *mut c_void = std::ptr::null_mut();
        let mut error = [0 as c_char; 16];
        let skip = services(1, "panics_1\0");
        assert_eq!(
            adapter::setup::<Panics>(&skip, &mut state, error.as_mut_ptr(), 16),
            abi::STATUS_UNSUPPORTED
        );
        assert_eq!(message(&error), "no GPU here");
        let bad = services(7, "panics_7\0");
        assert_eq!(
            adapter::setup::<Panics>(&bad, &mut state, error.as_mut_ptr(), 16),
            abi::STATUS_ERROR
        );
        assert_eq!(message(&error), "bad argument 7 "); // 15 bytes and the NUL
    }

    #[test]
    fn a_1_0_services_table_gives_the_defaults() {
        let mut table = services(42, "x\0");
        table.struct_size = abi::offset_of_argument() as u32; // a 1.0 host's table
        let host = Host { services: &table };
        assert_eq!(host.argument(), 0);
        assert_eq!(host.target_id(), "");
    }

    #[test]
    fn a_1_3_services_table_has_no_threads_or_counters() {
        extern "C" fn counter(_: *mut c_void, _: *const c_char, _: f64, _: u32) {}
        let mut table = services(0, "x\0");
        table.threads = 4;
        table.report_counter = Some(counter);
        let host = Host { services: &table };
        assert_eq!(host.threads(), 4);
        assert!(host.report_counter("rows", 1.0, abi::COUNTER_AVG_ITERATIONS));
        assert!(!host.add_manual_time_ns(5)); // offered as NULL
        table.struct_size = abi::offset_of_threads() as u32; // a 1.3 host's table
        let host = Host { services: &table };
        assert_eq!(host.threads(), 1);
        assert!(!host.report_counter("rows", 1.0, 0));
    }

    struct Counts(Vec<std::sync::atomic::AtomicU64>);
    impl Benchmark for Counts {
        fn setup(host: Host, _: i64) -> Result<Self, Error> {
            Ok(Counts(
                (0..host.threads()).map(|_| Default::default()).collect(),
            ))
        }
        fn run(&mut self, iterations: u64) -> Result<(), Error> {
            self.run_thread(0, iterations)
        }
        fn run_thread(&self, thread_index: u32, iterations: u64) -> Result<(), Error> {
            let slot = self.0.get(thread_index as usize).ok_or("no such thread")?;
            slot.fetch_add(iterations, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
    }

    #[test]
    fn threaded_targets_declare_counts_and_call_run_thread() {
        let t = threaded::<Counts>(target::<Counts>("c\0", "d\0"), 1, 8);
        assert_eq!((t.threads, t.threads_last), (1, 8));
        let mut table = services(0, "c\0");
        table.threads = 2;
        let mut state: *mut c_void = std::ptr::null_mut();
        let mut error = [0 as c_char; 64];
        assert_eq!(
            (t.setup.unwrap())(&table, &mut state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        let run_thread = t.run_thread.unwrap();
        assert_eq!(
            run_thread(state, 1, 7, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        assert_eq!(
            run_thread(state, 2, 7, error.as_mut_ptr(), 64),
            abi::STATUS_ERROR
        );
        assert_eq!(message(&error), "no such thread");
        let counts = unsafe { &*(state as *const Counts) };
        assert_eq!(counts.0[1].load(std::sync::atomic::Ordering::Relaxed), 7);
        assert_eq!(
            (t.reset.unwrap())(state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        assert_eq!(
            (t.teardown.unwrap())(state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        assert_eq!(with_flags(t, abi::TARGET_FLAG_USES_THREADS).flags, 1);
    }

    /// A threaded target counts per thread and reports the total through
    /// its SyncHost from teardown: the counter reaches the host's table.
    struct Tokens {
        host: SyncHost,
        per_thread: Vec<std::sync::atomic::AtomicU64>,
    }
    impl Benchmark for Tokens {
        fn setup(host: Host, _: i64) -> Result<Self, Error> {
            let per_thread = (0..host.threads()).map(|_| Default::default()).collect();
            Ok(Tokens {
                host: SyncHost::new(host),
                per_thread,
            })
        }
        fn run(&mut self, iterations: u64) -> Result<(), Error> {
            self.run_thread(0, iterations)
        }
        fn run_thread(&self, thread_index: u32, iterations: u64) -> Result<(), Error> {
            self.per_thread[thread_index as usize]
                .fetch_add(5 * iterations, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
        fn teardown(mut self) -> Result<(), Error> {
            let total: u64 = self
                .per_thread
                .iter()
                .map(|n| n.load(std::sync::atomic::Ordering::Relaxed))
                .sum();
            self.host
                .get()
                .report_counter("tokens", total as f64, abi::COUNTER_RATE);
            Ok(())
        }
    }

    fn assert_sync<T: Sync>() {}

    #[test]
    fn a_threaded_target_reports_counters_through_its_sync_host() {
        type Reported = Vec<(String, f64, u32)>;
        extern "C" fn counter(context: *mut c_void, key: *const c_char, value: f64, flags: u32) {
            let reported = unsafe { &mut *(context as *mut Reported) };
            let key = unsafe { CStr::from_ptr(key) }.to_string_lossy().into_owned();
            reported.push((key, value, flags));
        }
        assert_sync::<SyncHost>();
        assert_sync::<Tokens>();
        let mut reported: Reported = Vec::new();
        let mut table = services(0, "tokens_t2\0");
        table.threads = 2;
        table.report_counter = Some(counter);
        table.host_context = &mut reported as *mut Reported as *mut c_void;
        let t = threaded::<Tokens>(target::<Tokens>("tokens\0", "d\0"), 1, 2);
        let mut state: *mut c_void = std::ptr::null_mut();
        let mut error = [0 as c_char; 64];
        assert_eq!(
            (t.setup.unwrap())(&table, &mut state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        let run_thread = t.run_thread.unwrap();
        let shared = state as usize; // what the host hands every thread
        let statuses: Vec<Status> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..2)
                .map(|index| {
                    scope.spawn(move || {
                        run_thread(shared as *mut c_void, index, 10, std::ptr::null_mut(), 0)
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert_eq!(statuses, vec![abi::STATUS_OK; 2]);
        assert!(reported.is_empty()); // nothing reaches the host while threads run
        assert_eq!(
            (t.teardown.unwrap())(state, error.as_mut_ptr(), 64),
            abi::STATUS_OK
        );
        assert_eq!(
            reported,
            vec![("tokens".to_string(), 100.0, abi::COUNTER_RATE)]
        );
    }

    #[test]
    fn families_declare_their_arguments() {
        static SIZES: [i64; 2] = [10, 100];
        let t = family::<Panics>("f\0", "d\0", &SIZES, "n\0");
        assert_eq!(t.argument_count, 2);
        assert_eq!(unsafe { *t.arguments.add(1) }, 100);
        let r = range_family::<Panics>("r\0", "d\0", 8, 1024, 8, "n\0");
        assert_eq!(
            (r.range_first, r.range_last, r.range_multiplier),
            (8, 1024, 8)
        );
        assert_eq!(r.argument_count, 0);
    }
}
