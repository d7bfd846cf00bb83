//! The bench_target_v1 ABI, version 1.4, as `#[repr(C)]` types: a mirror of
//! `bench_target_v1.h` (the header is the authority; the tests below pin the
//! same sizes it pins). Fields marked (1.x) were appended in ABI 1.x; read
//! them only when the struct's `struct_size` covers them.
#![allow(missing_docs)]

use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::os::raw::c_char;
use std::ptr::addr_of;

pub const ABI_MAJOR: u32 = 1;
pub const ABI_MINOR: u32 = 4;

pub type Status = i32;
pub const STATUS_OK: Status = 0;
pub const STATUS_ERROR: Status = -1;
pub const STATUS_INVALID_ARGUMENT: Status = -2;
pub const STATUS_UNSUPPORTED: Status = -3;
pub const STATUS_VERIFICATION_FAILED: Status = -4;

pub const LOG_DEBUG: i32 = 0;
pub const LOG_INFO: i32 = 1;
pub const LOG_WARNING: i32 = 2;
pub const LOG_ERROR: i32 = 3;

pub const TARGET_FLAG_USES_THREADS: u32 = 0x1;
pub const TARGET_FLAG_DOES_IO: u32 = 0x2;

/// Flags of `report_counter` (1.4): Google Benchmark's `kIsRate` and
/// `kAvgIterations`.
pub const COUNTER_RATE: u32 = 0x1;
pub const COUNTER_AVG_ITERATIONS: u32 = 0x2;

#[repr(C)]
pub struct HostInfo {
    pub struct_size: u32,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub reserved: u32,
    pub host_name: *const c_char,
    pub host_version: *const c_char,
    pub decline_reason_capacity: u32, // (1.1)
    pub reserved_1_1: u32,            // (1.1)
    pub decline_reason: *mut c_char,  // (1.1)
}

#[repr(C)]
pub struct HostServices {
    pub struct_size: u32,
    pub abi_minor: u32,
    pub host_context: *mut c_void,
    pub set_bytes_per_operation: Option<extern "C" fn(*mut c_void, u64)>,
    pub set_items_per_operation: Option<extern "C" fn(*mut c_void, u64)>,
    pub report_metric_number: Option<extern "C" fn(*mut c_void, *const c_char, f64)>,
    pub report_metric_string: Option<extern "C" fn(*mut c_void, *const c_char, *const c_char)>,
    pub log: Option<extern "C" fn(*mut c_void, i32, *const c_char)>,
    pub argument: i64,                                               // (1.1)
    pub user_data: *const c_void,                                    // (1.1)
    pub target_id: *const c_char,                                    // (1.1)
    pub add_manual_time_ns: Option<extern "C" fn(*mut c_void, u64)>, // (1.3)
    pub pause_timing: Option<extern "C" fn(*mut c_void)>,            // (1.3)
    pub resume_timing: Option<extern "C" fn(*mut c_void)>,           // (1.3)
    pub reserved_1_3: *const c_void,                                 // (1.3)
    pub threads: u32,                                                // (1.4)
    pub reserved_1_4: u32,                                           // (1.4)
    pub report_counter: Option<extern "C" fn(*mut c_void, *const c_char, f64, u32)>, // (1.4)
    pub reserved_1_4_pointer: *const c_void,                         // (1.4)
}

pub type SetupFn = extern "C" fn(*const HostServices, *mut *mut c_void, *mut c_char, u64) -> Status;
pub type RunFn = extern "C" fn(*mut c_void, u64, *mut c_char, u64) -> Status;
pub type TeardownFn = extern "C" fn(*mut c_void, *mut c_char, u64) -> Status;
pub type ResetFn = extern "C" fn(*mut c_void, *mut c_char, u64) -> Status;
pub type RunThreadFn = extern "C" fn(*mut c_void, u32, u64, *mut c_char, u64) -> Status;

#[repr(C)]
pub struct Target {
    pub struct_size: u32,
    pub flags: u32,
    pub id: *const c_char,
    pub description: *const c_char,
    pub setup: Option<SetupFn>,
    pub run: Option<RunFn>,
    pub teardown: Option<TeardownFn>,
    pub user_data: *const c_void,           // (1.1)
    pub complexity_variable: *const c_char, // (1.1)
    pub arguments: *const i64,              // (1.1)
    pub argument_count: u32,                // (1.1)
    pub range_multiplier: u32,              // (1.1)
    pub range_first: i64,                   // (1.1)
    pub range_last: i64,                    // (1.1)
    pub reset: Option<ResetFn>,             // (1.2)
    pub reserved_1_2: *const c_void,        // (1.2)
    pub threads: u32,                       // (1.4)
    pub threads_last: u32,                  // (1.4)
    pub run_thread: Option<RunThreadFn>,    // (1.4)
    pub reserved_1_4: *const c_void,        // (1.4)
}

#[repr(C)]
pub struct Plugin {
    pub struct_size: u32,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub target_count: u32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub build_info: *const c_char,
    pub get_target: Option<extern "C" fn(u32) -> *const Target>,
    pub get_extension: Option<extern "C" fn(*const c_char) -> *const c_void>,
}

// Descriptors are static and never written; they point only at static data.
unsafe impl Sync for Target {}
unsafe impl Sync for Plugin {}

pub(crate) fn offset_of_argument() -> usize {
    let table = MaybeUninit::<HostServices>::uninit();
    let base = table.as_ptr();
    // SAFETY: addr_of! computes an address without reading the memory.
    unsafe { addr_of!((*base).argument) as usize - base as usize }
}

pub(crate) fn offset_of_target_id() -> usize {
    let table = MaybeUninit::<HostServices>::uninit();
    let base = table.as_ptr();
    // SAFETY: as above.
    unsafe { addr_of!((*base).target_id) as usize - base as usize }
}

pub(crate) fn offset_of_add_manual_time_ns() -> usize {
    let table = MaybeUninit::<HostServices>::uninit();
    let base = table.as_ptr();
    // SAFETY: as above.
    unsafe { addr_of!((*base).add_manual_time_ns) as usize - base as usize }
}

pub(crate) fn offset_of_threads() -> usize {
    let table = MaybeUninit::<HostServices>::uninit();
    let base = table.as_ptr();
    // SAFETY: as above.
    unsafe { addr_of!((*base).threads) as usize - base as usize }
}

pub(crate) fn offset_of_report_counter() -> usize {
    let table = MaybeUninit::<HostServices>::uninit();
    let base = table.as_ptr();
    // SAFETY: as above.
    unsafe { addr_of!((*base).report_counter) as usize - base as usize }
}

pub(crate) fn offset_of_decline_reason() -> usize {
    let info = MaybeUninit::<HostInfo>::uninit();
    let base = info.as_ptr();
    // SAFETY: as above.
    unsafe { addr_of!((*base).decline_reason) as usize - base as usize }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    // The sizes bench_target_v1.h pins with BENCH_TARGET_V1_STATIC_ASSERT.
    #[test]
    fn sizes_match_the_c_header() {
        let p = size_of::<*const c_void>();
        assert_eq!(size_of::<HostInfo>(), 24 + 3 * p);
        assert_eq!(size_of::<HostServices>(), 24 + 14 * p);
        assert_eq!(size_of::<Target>(), 40 + 12 * p);
        assert_eq!(size_of::<Plugin>(), 16 + 5 * p);
    }

    #[test]
    fn the_1_0_fields_end_where_1_0_ended() {
        let p = size_of::<*const c_void>();
        assert_eq!(offset_of_argument(), 8 + 6 * p); // 1.0 size of the services table
        assert_eq!(offset_of_decline_reason(), 24 + 2 * p);
        assert_eq!(offset_of_add_manual_time_ns(), 16 + 8 * p); // 1.2 size
        assert_eq!(offset_of_threads(), 16 + 12 * p); // 1.3 size
    }
}
