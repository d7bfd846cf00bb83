//! An example third-party cost-ops plugin in Rust, against the C ABI in
//! `bench_target_v1.h` (mirrored below with `#[repr(C)]`). No crates needed.
//!
//! One target, `example_rust_price_records`: price 1,000 usage records per
//! operation in integer picodollars, the same work as the C example's
//! `example_c_price_records`, so the two languages can be compared.

use std::ffi::c_void;
use std::os::raw::c_char;

// --- The ABI, mirrored from bench_target_v1.h --------------------------------

const ABI_MAJOR: u32 = 1;
const ABI_MINOR: u32 = 0;

type BenchStatus = i32;
const STATUS_OK: BenchStatus = 0;
const STATUS_ERROR: BenchStatus = -1;
const STATUS_VERIFICATION_FAILED: BenchStatus = -4;

#[repr(C)]
pub struct HostInfo {
    struct_size: u32,
    abi_major: u32,
    abi_minor: u32,
    reserved: u32,
    host_name: *const c_char,
    host_version: *const c_char,
}

#[repr(C)]
pub struct HostServices {
    struct_size: u32,
    abi_minor: u32,
    host_context: *mut c_void,
    set_bytes_per_operation: extern "C" fn(*mut c_void, u64),
    set_items_per_operation: extern "C" fn(*mut c_void, u64),
    report_metric_number: extern "C" fn(*mut c_void, *const c_char, f64),
    report_metric_string: extern "C" fn(*mut c_void, *const c_char, *const c_char),
    log: extern "C" fn(*mut c_void, i32, *const c_char),
}

type SetupFn =
    extern "C" fn(*const HostServices, *mut *mut c_void, *mut c_char, u64) -> BenchStatus;
type RunFn = extern "C" fn(*mut c_void, u64, *mut c_char, u64) -> BenchStatus;
type TeardownFn = extern "C" fn(*mut c_void, *mut c_char, u64) -> BenchStatus;

#[repr(C)]
pub struct Target {
    struct_size: u32,
    flags: u32,
    id: *const c_char,
    description: *const c_char,
    setup: SetupFn,
    run: RunFn,
    teardown: Option<TeardownFn>,
}

#[repr(C)]
pub struct Plugin {
    struct_size: u32,
    abi_major: u32,
    abi_minor: u32,
    target_count: u32,
    name: *const c_char,
    version: *const c_char,
    build_info: *const c_char,
    get_target: extern "C" fn(u32) -> *const Target,
    get_extension: Option<extern "C" fn(*const c_char) -> *const c_void>,
}

/// The descriptors hold raw pointers to static strings; they are never
/// written, so sharing them between threads is sound.
struct Static<T>(T);
unsafe impl<T> Sync for Static<T> {}

/// A NUL-terminated static string as a C pointer.
macro_rules! cstr {
    ($s:expr) => {
        concat!($s, "\0").as_ptr() as *const c_char
    };
}

/// Copy a message into the host's error buffer: truncated, NUL-terminated.
fn write_error(error: *mut c_char, capacity: u64, message: &str) {
    if error.is_null() || capacity == 0 {
        return;
    }
    let n = message.len().min(capacity as usize - 1);
    unsafe {
        std::ptr::copy_nonoverlapping(message.as_ptr(), error as *mut u8, n);
        *error.add(n) = 0;
    }
}

/// Keep the compiler from deleting or hoisting the work: an empty asm
/// statement that takes the pointer and, as far as the optimiser knows,
/// reads and writes any memory (like bench_do_not_optimize in C).
#[inline(always)]
fn do_not_optimize<T>(value: *const T) {
    unsafe { std::arch::asm!("/* {0} */", in(reg) value, options(nostack, preserves_flags)) }
}

/// Run `body`, turning a panic into STATUS_ERROR: nothing unwinds into C.
fn guarded(
    error: *mut c_char,
    capacity: u64,
    body: impl FnOnce() -> Result<(), (BenchStatus, String)>,
) -> BenchStatus {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(())) => STATUS_OK,
        Ok(Err((status, message))) => {
            write_error(error, capacity, &message);
            status
        }
        Err(_) => {
            write_error(error, capacity, "the Rust code panicked");
            STATUS_ERROR
        }
    }
}

// --- The work: exact pricing in picodollars ----------------------------------

/// USD per million tokens as micro-USD, which is picodollars per token.
/// gpt-4o: $2.50 input, $1.25 cached input, $10.00 output.
const INPUT_RATE: u64 = 2_500_000;
const CACHED_RATE: u64 = 1_250_000;
const OUTPUT_RATE: u64 = 10_000_000;
const RECORD_COUNT: usize = 1000;

#[derive(Clone, Copy)]
struct Usage {
    prompt_tokens: u32, // includes cached_tokens
    cached_tokens: u32,
    completion_tokens: u32,
}

fn price_picodollars(r: &Usage) -> u64 {
    u64::from(r.prompt_tokens - r.cached_tokens) * INPUT_RATE
        + u64::from(r.cached_tokens) * CACHED_RATE
        + u64::from(r.completion_tokens) * OUTPUT_RATE
}

/// The same deterministic records as the C example.
fn make_records() -> Vec<Usage> {
    let mut seed: u32 = 12345;
    (0..RECORD_COUNT)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let prompt = 100 + (seed >> 16) % 20000;
            Usage {
                prompt_tokens: prompt,
                cached_tokens: prompt / (2 + (seed >> 8) % 4),
                completion_tokens: 10 + (seed >> 4) % 4000,
            }
        })
        .collect()
}

fn total_picodollars(records: &[Usage]) -> u64 {
    records.iter().map(price_picodollars).sum()
}

struct PriceState {
    records: Vec<Usage>,
    expected_total: u64,
    last_total: u64,
}

extern "C" fn price_setup(
    host: *const HostServices,
    state: *mut *mut c_void,
    error: *mut c_char,
    capacity: u64,
) -> BenchStatus {
    guarded(error, capacity, || {
        // A known answer: 8,000 uncached + 2,000 cached prompt tokens and
        // 5,000 completion tokens cost exactly $0.0725.
        let known = Usage {
            prompt_tokens: 10_000,
            cached_tokens: 2_000,
            completion_tokens: 5_000,
        };
        if price_picodollars(&known) != 72_500_000_000 {
            return Err((
                STATUS_VERIFICATION_FAILED,
                "pricing formula is wrong: expected $0.0725".into(),
            ));
        }
        let records = make_records();
        let expected_total = total_picodollars(&records);
        let host = unsafe { &*host };
        (host.set_items_per_operation)(host.host_context, RECORD_COUNT as u64);
        (host.report_metric_number)(
            host.host_context,
            cstr!("records_per_operation"),
            RECORD_COUNT as f64,
        );
        (host.report_metric_string)(host.host_context, cstr!("language"), cstr!("rust"));
        let boxed = Box::new(PriceState {
            records,
            expected_total,
            last_total: 0,
        });
        unsafe { *state = Box::into_raw(boxed) as *mut c_void };
        Ok(())
    })
}

extern "C" fn price_run(
    state: *mut c_void,
    iterations: u64,
    error: *mut c_char,
    capacity: u64,
) -> BenchStatus {
    guarded(error, capacity, || {
        let s = unsafe { &mut *(state as *mut PriceState) };
        for _ in 0..iterations {
            do_not_optimize(s.records.as_ptr()); // the records "may have changed"
            s.last_total = total_picodollars(&s.records);
            do_not_optimize(&s.last_total); // and the result is used
        }
        Ok(())
    })
}

extern "C" fn price_teardown(state: *mut c_void, error: *mut c_char, capacity: u64) -> BenchStatus {
    guarded(error, capacity, || {
        let s = unsafe { Box::from_raw(state as *mut PriceState) };
        if s.last_total != s.expected_total {
            return Err((
                STATUS_VERIFICATION_FAILED,
                "run() computed a different total than setup()".into(),
            ));
        }
        Ok(())
    })
}

// --- The descriptor -----------------------------------------------------------

static TARGETS: Static<[Target; 1]> = Static([Target {
    struct_size: std::mem::size_of::<Target>() as u32,
    flags: 0,
    id: cstr!("example_rust_price_records"),
    description: cstr!("price 1,000 usage records in integer picodollars (Rust)"),
    setup: price_setup,
    run: price_run,
    teardown: Some(price_teardown),
}]);

extern "C" fn get_target(index: u32) -> *const Target {
    TARGETS
        .0
        .get(index as usize)
        .map_or(std::ptr::null(), |t| t as *const Target)
}

static PLUGIN: Static<Plugin> = Static(Plugin {
    struct_size: std::mem::size_of::<Plugin>() as u32,
    abi_major: ABI_MAJOR,
    abi_minor: ABI_MINOR,
    target_count: 1,
    name: cstr!("example-rust-token-pricing"),
    version: cstr!(env!("CARGO_PKG_VERSION")),
    build_info: cstr!("rustc, cargo release profile"),
    get_target,
    get_extension: None,
});

/// The one exported symbol. Returns the static descriptor; any v1 host will
/// do, as this plugin uses only ABI 1.0 services.
#[no_mangle]
pub extern "C" fn bench_target_v1_entry(_host: *const HostInfo) -> *const Plugin {
    &PLUGIN.0
}
