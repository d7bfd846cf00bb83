/*
 * bench_target_v1.h — the stable C ABI between the cost-ops benchmark host and
 * benchmark target plugins.
 *
 * A plugin is a shared library that exports exactly one function,
 * `bench_target_v1_entry`. The host calls it with a description of itself and
 * gets back a pointer to a static plugin descriptor (or NULL to decline). The
 * descriptor lists one or more targets; each target offers setup / run /
 * teardown. The host owns all timing: `run(state, iterations)` performs the
 * operation `iterations` times and the host measures the whole call.
 *
 * Everything a plugin author needs is in this file. It is pure C (C89 and
 * later, and C++11 and later), depends on nothing but <stdint.h> and
 * <stddef.h>, and carries its own export and calling-convention macros.
 *
 * Versioning
 *   - The major version is part of the entry symbol's name. A v2 ABI would use
 *     `bench_target_v2_entry`; a plugin may export both during a transition.
 *   - The minor version grows when fields are appended to the END of a struct.
 *     Every struct starts with `struct_size`; a reader uses
 *     min(struct_size, sizeof(what it knows)) and treats fields past the end as
 *     absent (their documented default applies). Fields are never reordered,
 *     resized or removed. Each field added after 1.0 is marked "(1.1)".
 *   - 1.0: the first release. 1.1: families (one target declared once with a
 *     list or range of arguments, expanded by the host into one target per
 *     argument), the argument and user data handed to setup(), a complexity
 *     variable per family, and a reason buffer for declining plugins.
 *     1.2: an optional, untimed reset() per target that the host calls
 *     between timed batches, so every batch starts from the same state.
 *     1.3: manual timing in the host services table (the plugin reports
 *     the time it measured itself, or pauses the host's clock around work
 *     that is not the operation); the host also counts the target's heap
 *     allocations and CPU time, which needs nothing from the plugin.
 *     1.4: threaded targets (run_thread() called on N threads at once with a
 *     start barrier, or a family over thread counts) and counters reported
 *     as rates or per-operation averages (report_counter in the host
 *     services table).
 *     A plugin built against 1.0 .. 1.3 runs unchanged on a 1.4 host.
 *
 * Ownership
 *   - Every pointer a plugin returns (descriptors, strings) is owned by the
 *     plugin and must stay valid and unchanged until the library is unloaded.
 *   - Messages travel into caller-provided buffers with a capacity; the callee
 *     truncates and always NUL-terminates. Neither side ever frees memory the
 *     other side allocated.
 *
 * Errors
 *   - Functions return a bench_status (0 = ok, negative = error). Nothing else
 *     crosses the boundary: no C++ exception, no Rust panic, no longjmp. A
 *     plugin written in C++ catches everything at each entry function (the
 *     helper header bench_target_v1.hpp does this for you).
 *   - A plugin never calls exit() or abort() on purpose; it returns an error.
 *
 * Threads
 *   - The host calls every function of one plugin from a single thread, one
 *     call at a time. A plugin may start threads inside run(), but must join
 *     them before run() returns.
 *   - The one exception (1.4): a target that declares `threads` has its
 *     run_thread() called on that many threads at once (see "Threaded
 *     targets" at bench_target_v1.threads for what each thread may touch).
 *   - What the host measures besides time covers those threads too: CPU time
 *     (1.3) is the whole process's, and allocations (1.3) are counted on
 *     every thread during the host's one counted run() call.
 *
 * Strings are UTF-8 and NUL-terminated.
 */
#ifndef COSTOPS_BENCH_TARGET_V1_H
#define COSTOPS_BENCH_TARGET_V1_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Versions                                                                  */
/* ------------------------------------------------------------------------ */

/** The ABI major version. Also spelled in the entry symbol's name. */
#define BENCH_TARGET_V1_ABI_MAJOR 1
/** The ABI minor version this header describes. Grows when structs grow. */
#define BENCH_TARGET_V1_ABI_MINOR 4

/** Name of the one symbol a plugin exports, for hosts that look it up. */
#define BENCH_TARGET_V1_ENTRY_SYMBOL "bench_target_v1_entry"

/* ------------------------------------------------------------------------ */
/* Linkage macros                                                            */
/* ------------------------------------------------------------------------ */

/** `inline` for the header's small static helpers, spelled so that C89
 *  compilers accept it too (`inline` is a C99 keyword; the 1.0 .. 1.4
 *  headers used it bare, which -std=c89 refuses). */
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#define BENCH_TARGET_V1_INLINE inline
#elif defined(__GNUC__) || defined(__clang__)
#define BENCH_TARGET_V1_INLINE __inline__
#elif defined(_MSC_VER)
#define BENCH_TARGET_V1_INLINE __inline
#else
#define BENCH_TARGET_V1_INLINE
#endif

#ifdef __cplusplus
#define BENCH_TARGET_V1_EXTERN_C extern "C"
#else
#define BENCH_TARGET_V1_EXTERN_C
#endif

/** Calling convention of every function pointer and of the entry function.
 *  Matters only on 32-bit Windows; empty elsewhere. */
#if defined(_WIN32) && !defined(_WIN64)
#define BENCH_TARGET_V1_CALL __cdecl
#else
#define BENCH_TARGET_V1_CALL
#endif

/** Put this in front of the definition of bench_target_v1_entry. It exports
 *  the symbol even when the plugin is built with hidden visibility. */
#if defined(_WIN32)
#define BENCH_TARGET_V1_EXPORT BENCH_TARGET_V1_EXTERN_C __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define BENCH_TARGET_V1_EXPORT BENCH_TARGET_V1_EXTERN_C __attribute__((visibility("default")))
#else
#define BENCH_TARGET_V1_EXPORT BENCH_TARGET_V1_EXTERN_C
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

/** Result of every plugin function. 0 is success, negative values are errors.
 *  A plain int32_t (not an enum) so the width is fixed in every language. */
typedef int32_t bench_status;

/** Success. */
#define BENCH_STATUS_OK 0
/** Something went wrong; the message buffer says what. */
#define BENCH_STATUS_ERROR (-1)
/** The host passed something the plugin cannot accept. */
#define BENCH_STATUS_INVALID_ARGUMENT (-2)
/** The target cannot run here (missing resource, unsupported platform).
 *  Returned by setup(), the target ends as `skipped` with your message, which
 *  is not a failure (a 1.0 host reported it as `failed`). */
#define BENCH_STATUS_UNSUPPORTED (-3)
/** The code under test produced a wrong result (checked in setup/teardown):
 *  its timings would be worthless, so the target ends as `failed`. */
#define BENCH_STATUS_VERIFICATION_FAILED (-4)

/* ------------------------------------------------------------------------ */
/* What the host tells the plugin                                            */
/* ------------------------------------------------------------------------ */

/** Handed to the entry function. Lets a plugin see which host loads it and
 *  decline (return NULL) if it needs a newer host. Valid only during the
 *  entry call; do not keep the pointer. */
typedef struct bench_host_info_v1 {
  /** sizeof(bench_host_info_v1) as the host compiled it. */
  uint32_t struct_size;
  /** Always BENCH_TARGET_V1_ABI_MAJOR for this symbol. */
  uint32_t abi_major;
  /** The host's ABI minor; the plugin must not use host services added in a
   *  later minor than this. */
  uint32_t abi_minor;
  /** Reserved, zero. */
  uint32_t reserved;
  /** Host program name, e.g. "cost-ops". Never NULL. */
  const char* host_name;
  /** Host version, e.g. "0.1.0". Never NULL. */
  const char* host_version;

  /** (1.1) Capacity of decline_reason in bytes. Absent (1.0 host) or 0: no
   *  buffer, so say nothing. Use bench_decline() rather than these fields. */
  uint32_t decline_reason_capacity;
  /** (1.1) Reserved, zero. */
  uint32_t reserved_1_1;
  /** (1.1) A plugin that declines (returns NULL) may write why into this
   *  host-owned buffer: truncated, NUL-terminated, e.g. "needs AVX2, this
   *  CPU lacks it". The host shows it as the file's reason. */
  char* decline_reason;
} bench_host_info_v1;

/** Severity for bench_host_services_v1.log. */
typedef int32_t bench_log_level;
#define BENCH_LOG_DEBUG 0
#define BENCH_LOG_INFO 1
#define BENCH_LOG_WARNING 2
#define BENCH_LOG_ERROR 3

/**
 * Services the host offers to a target. Passed to setup(); the pointer and
 * every function in it stay valid until teardown() returns. Every function
 * may be called from setup(), run(), reset() (1.2) and teardown(), on the
 * calling thread only. None of them fails in a way the plugin must handle;
 * bad arguments (NULL key, NaN value) are ignored and reported by the host.
 */
typedef struct bench_host_services_v1 {
  /** sizeof(bench_host_services_v1) as the host compiled it. Check it before
   *  using a function added in a later minor version. */
  uint32_t struct_size;
  /** The host's ABI minor version. */
  uint32_t abi_minor;
  /** Opaque; pass it back as the first argument of every function below. */
  void* host_context;

  /** Declare the work one operation (one iteration of run) does, in bytes.
   *  The host turns it into throughput (`throughput_mb_per_sec`, decimal MB).
   *  The last call wins. */
  void(BENCH_TARGET_V1_CALL* set_bytes_per_operation)(void* host_context, uint64_t bytes);

  /** Declare the work one operation does, in items (records, rows, points).
   *  The host turns it into `items_per_second`. The last call wins. */
  void(BENCH_TARGET_V1_CALL* set_items_per_operation)(void* host_context, uint64_t items);

  /** Add a numeric metric to the target's result, e.g.
   *  ("records_per_aggregation", 1000). `key` is lowercase snake_case and must
   *  not clash with the host's own metrics; the host copies key and value.
   *  NaN and infinities are refused (JSON has no spelling for them). */
  void(BENCH_TARGET_V1_CALL* report_metric_number)(void* host_context, const char* key,
                                                   double value);

  /** Add a string metric, e.g. ("database", "sqlite-wal-file"). Copied. */
  void(BENCH_TARGET_V1_CALL* report_metric_string)(void* host_context, const char* key,
                                                   const char* value);

  /** Write a message to the host's log (shown with --verbose). Copied. */
  void(BENCH_TARGET_V1_CALL* log)(void* host_context, bench_log_level level, const char* message);

  /* Which target setup() is setting up (1.1). Read them with
   * bench_host_argument() / bench_host_user_data(), which give the default
   * when a 1.0 host did not pass them. Why data in this table rather than a
   * second setup signature: setup() keeps its 1.0 signature, so there is one
   * way to set up a target, a 1.0 host still calls the only setup there is,
   * and the fields follow the same struct_size rule as every service. */

  /** (1.1) The argument of this member of a family (e.g. 1024 for
   *  "myhash_1024"); 0 for a target that is not a family. Default 0. */
  int64_t argument;
  /** (1.1) The target's bench_target_v1.user_data, handed back so one setup
   *  function can serve several targets. Default NULL. */
  const void* user_data;
  /** (1.1) The id of the target being set up, after family expansion
   *  ("myhash_1024"), for messages. Default NULL. */
  const char* target_id;

  /* Manual timing (1.3). Only from inside run(), on the thread the host
   * called run() on. Use the bench_host_* wrappers below: they do nothing
   * (and return 0) on an older host. The host's plausibility checks apply
   * to the resulting times as to its own. */

  /** (1.3) Adds `nanoseconds` of time the plugin measured itself (a GPU
   *  kernel's event timer, an I/O completion, an async task's own clock) to
   *  the current run() call. When a run() call reports any, the sample's time
   *  is the sum reported instead of the host's wall clock: report each
   *  iteration's time (as Google Benchmark's SetIterationTime) or the whole
   *  batch's once (as Criterion's iter_custom). Costs a call and an add.
   *  The host notes in the plugin log when a batch's reported time exceeds
   *  its wall-clock time (a clock or unit mistake). */
  void(BENCH_TARGET_V1_CALL* add_manual_time_ns)(void* host_context, uint64_t nanoseconds);
  /** (1.3) Stops the host's clock for the current run() call until
   *  resume_timing(): for per-iteration setup that is not the operation
   *  (refilling a buffer, shuffling an input). Each pause/resume pair costs
   *  two clock reads (tens of nanoseconds, which stay in the sample): pause
   *  only around work much longer than that, or use reset() (1.2) for
   *  per-batch setup. A pause still open when run() returns ends there; a
   *  pause while paused, or a resume while running, is ignored. The CPU
   *  time the host reports is not paused. */
  void(BENCH_TARGET_V1_CALL* pause_timing)(void* host_context);
  /** (1.3) Restarts the host's clock after pause_timing(). */
  void(BENCH_TARGET_V1_CALL* resume_timing)(void* host_context);
  /** (1.3) Reserved, NULL. Keeps the struct free of padding on 32-bit
   *  platforms that align int64_t to 8 (an odd pointer count would not). */
  const void* reserved_1_3;

  /** (1.4) How many threads will call run_thread() at once for the target
   *  being set up (1 for a target that does not declare threads), so setup()
   *  can build one slot of per-thread state for each. Read it with
   *  bench_host_threads(), which gives 1 on an older host. */
  uint32_t threads;
  /** (1.4) Reserved, zero. */
  uint32_t reserved_1_4;
  /** (1.4) Like report_metric_number, with BENCH_COUNTER_* flags saying how
   *  the host turns the value into the reported figure (Google Benchmark's
   *  Counter flags): 0 = as is; BENCH_COUNTER_RATE = value divided by the
   *  seconds of all run() calls of this target, reported as
   *  "<key>_per_second"; BENCH_COUNTER_AVG_ITERATIONS = value divided by the
   *  operations of all run() calls (iterations x threads), reported as
   *  "<key>_per_op"; both bits together are refused (dropped with a note).
   *  The value is a total the plugin accumulates over every run() call
   *  since setup() (warm-up and calibration batches included: the host
   *  divides by the same calls' totals), reported from reset() or teardown()
   *  (the last call for a key wins). Use bench_host_report_counter(). */
  void(BENCH_TARGET_V1_CALL* report_counter)(void* host_context, const char* key, double value,
                                             uint32_t flags);
  /** (1.4) Reserved, NULL (keeps an even pointer count after the int64_t). */
  const void* reserved_1_4_pointer;
} bench_host_services_v1;

/** Flags of report_counter (1.4). Unknown bits: the counter is dropped with
 *  a note in the plugin log. */
#define BENCH_COUNTER_RATE 0x1u
#define BENCH_COUNTER_AVG_ITERATIONS 0x2u

/* ------------------------------------------------------------------------ */
/* What the plugin tells the host                                            */
/* ------------------------------------------------------------------------ */

/** Bit flags of bench_target_v1.flags. */
typedef uint32_t bench_target_flags;
/** run() starts threads of its own (joined before it returns). */
#define BENCH_TARGET_FLAG_USES_THREADS 0x1u
/** run() does file or network I/O; timings depend on the machine's disks. */
#define BENCH_TARGET_FLAG_DOES_IO 0x2u

/**
 * One benchmark target. Lifecycle, in the order the host guarantees:
 *
 *   setup(host, &state, ...)          once, untimed: build the input
 *   run(state, n, ...)                many times, timed: do the operation n times
 *   reset(state, ...)                 (1.2, optional) after every run() with
 *                                     n > 0, untimed: restore the state
 *   teardown(state, ...)              once, untimed: verify, free
 *
 * teardown() is called exactly when setup() returned BENCH_STATUS_OK, even if
 * a later run() failed. After a failed setup() the host calls nothing else
 * for that state.
 */
typedef struct bench_target_v1 {
  /** sizeof(bench_target_v1) as the plugin compiled it. */
  uint32_t struct_size;
  /** BENCH_TARGET_FLAG_* bits; unknown bits are ignored. */
  bench_target_flags flags;

  /** Stable id: 1..64 chars of [a-z0-9_], starting with a letter, unique
   *  across every loaded plugin. Used as the result file's name. */
  const char* id;
  /** One line for people: what one operation is. Never NULL (may be ""). */
  const char* description;

  /**
   * Build the input, outside the timed region. On success store the target's
   * private state in *state (may be NULL if the target needs none) and return
   * BENCH_STATUS_OK. On failure write a message into error (capacity bytes,
   * always NUL-terminated) and return a negative status.
   * `host` stays valid until teardown() returns.
   */
  bench_status(BENCH_TARGET_V1_CALL* setup)(const bench_host_services_v1* host, void** state,
                                            char* error, uint64_t error_capacity);

  /**
   * Do the operation `iterations` times. This is the only timed call. The
   * host calls it with iterations == 0 to measure its own overhead, so the
   * function must accept 0 and then do nothing. Use bench_do_not_optimize()
   * on results so the compiler cannot delete the work.
   */
  bench_status(BENCH_TARGET_V1_CALL* run)(void* state, uint64_t iterations, char* error,
                                          uint64_t error_capacity);

  /**
   * Check the result once more if useful, then release everything setup()
   * made. Returning BENCH_STATUS_VERIFICATION_FAILED marks the target failed.
   * May be NULL if there is nothing to release.
   */
  bench_status(BENCH_TARGET_V1_CALL* teardown)(void* state, char* error, uint64_t error_capacity);

  /* ---- Families (1.1) ------------------------------------------------------
   * A target with arguments is a family: the host expands it into one target
   * per argument, with the id  <id>_<argument in decimal>  ("myhash" with
   * arguments 64 and 1024 gives "myhash_64" and "myhash_1024"), each set up
   * with its argument in bench_host_services_v1.argument. The family's own id
   * is not a target. Arguments come from a list (arguments/argument_count) or
   * a range (range_first/range_last/range_multiplier), not both:
   *   range: range_first, then every power of range_multiplier strictly
   *   between range_first and range_last, then range_last (as Google
   *   Benchmark's Range with RangeMultiplier). 8..1024 by 8 gives 8, 64, 512,
   *   1024. The multiplier is at least 2.
   * Arguments are >= 0, at most 1024 per family, and each expanded id must
   * be a valid, unique id. The host fits the family's time against its
   * arguments (O(1), O(log n), O(n), O(n log n), O(n^2), O(n^3)).
   * A 1.0 host does not know families: a plugin declaring them must decline
   * when host->abi_minor < 1 (BENCH_TARGET_V1_PLUGIN does).
   * All-zero fields (or a 1.0 struct) mean a plain target. */

  /** (1.1) Handed back to setup() as host->user_data. Default NULL. */
  const void* user_data;
  /** (1.1) Name of what the argument counts, for the complexity fit and the
   *  reports: "n", "records", "bytes" (1-32 chars of [a-z0-9_], starting with
   *  a letter). Only for families; NULL means "n". */
  const char* complexity_variable;
  /** (1.1) The family's arguments as a list, plugin-owned and static. */
  const int64_t* arguments;
  /** (1.1) Number of entries in `arguments`; 0 when not a list family. */
  uint32_t argument_count;
  /** (1.1) >= 2 for a range family; 0 when not a range family. */
  uint32_t range_multiplier;
  /** (1.1) First argument of a range family. */
  int64_t range_first;
  /** (1.1) Last argument of a range family, >= range_first. */
  int64_t range_last;

  /**
   * (1.2) Optional, NULL = none. Called by the host between timed run()
   * calls: after every run() with iterations > 0 (each warm-up, calibration
   * and sample batch, the last one included), before the next run() or
   * teardown(); never timed. Restore the state so every batch starts alike,
   * e.g. delete the rows the batch inserted, so a target whose work grows
   * with what earlier batches left behind measures the same work in every
   * sample (what Google Benchmark's PauseTiming and Criterion's
   * iter_batched setup are for). A failure is reported like a failed run()
   * (the target fails, phase "reset"). A 1.0 or 1.1 host never calls it: a
   * target that cannot run without it declines when host->abi_minor < 2.
   */
  bench_status(BENCH_TARGET_V1_CALL* reset)(void* state, char* error, uint64_t error_capacity);
  /** (1.2) Reserved, NULL. Keeps the struct free of padding on 32-bit
   *  platforms, where a lone pointer after range_last would leave 4 bytes. */
  const void* reserved_1_2;

  /* ---- Threaded targets (1.4) ---------------------------------------------
   * A target with threads >= 1 and a run_thread function is threaded: for
   * every timed batch the host starts run_thread(state, i, n, ...) on
   * `threads` threads at once (i = 0 .. threads-1, one worker process, the
   * same n on each), releases them together from a start barrier and times
   * the batch from the release to the end of the last thread (Google
   * Benchmark's ->Threads(n)). Reported: the time per operation as one
   * thread sees it, operations per second per thread and in aggregate
   * (threads x per thread), and CPU time per operation over all threads
   * (about threads x the wall time when every thread is busy).
   * With threads_last > threads the target is a family over thread counts
   * (->ThreadRange): threads, doubled while below threads_last, then
   * threads_last (1..8 gives 1, 2, 4, 8), one target per count with the id
   *  <id>_t<count>  (after the argument of an argument family: myhash_64_t4).
   *
   * What each thread may touch:
   *   - `state` (from setup) is shared by all threads: read it freely; write
   *     only the slot that belongs to your thread index (size it with
   *     bench_host_threads() in setup), or synchronise yourself (that
   *     synchronisation is then part of what is measured).
   *   - `error` is a buffer of the thread's own; a failing thread fails the
   *     batch and the target (phase "run"), after every thread has returned.
   *   - No host service from run_thread(): the manual timing, metric and
   *     log calls are ignored there (and counted in the plugin log). Report
   *     from setup(), reset() or teardown(), which the host calls on one
   *     thread after all run_thread() calls returned.
   *   - run_thread() must return; the host joins every thread before reset().
   * run() stays required and is what an older host (1.0 .. 1.3) calls, on
   * one thread; a threaded target's run() usually calls run_thread(state, 0,
   * ...). The host calls run_thread() also with iterations == 0 (its own
   * overhead) and for the allocation count. At most 256 threads. */

  /** (1.4) Threads that call run_thread at once; 0 or 1 with run_thread ==
   *  NULL: a plain target. Default 0. */
  uint32_t threads;
  /** (1.4) 0, or > threads for a family over thread counts. Default 0. */
  uint32_t threads_last;
  /** (1.4) run() for one thread of a threaded target; `thread_index` is
   *  0 .. threads-1. NULL for an unthreaded target. */
  bench_status(BENCH_TARGET_V1_CALL* run_thread)(void* state, uint32_t thread_index,
                                                 uint64_t iterations, char* error,
                                                 uint64_t error_capacity);
  /** (1.4) Reserved, NULL (no padding after an odd pointer count). */
  const void* reserved_1_4;
} bench_target_v1;

/**
 * The plugin descriptor returned by bench_target_v1_entry. Static, immutable,
 * plugin-owned; valid until the library is unloaded.
 */
typedef struct bench_plugin_v1 {
  /** sizeof(bench_plugin_v1) as the plugin compiled it. */
  uint32_t struct_size;
  /** Must be BENCH_TARGET_V1_ABI_MAJOR; anything else is refused. */
  uint32_t abi_major;
  /** The minor version of this header the plugin was compiled against. */
  uint32_t abi_minor;
  /** Number of targets; get_target accepts 0 .. target_count-1. At most 1024. */
  uint32_t target_count;

  /** Plugin name for people and packages, e.g. "costops-aggregator". */
  const char* name;
  /** Plugin version, semantic versioning recommended, e.g. "1.2.0". */
  const char* version;
  /** Free-form build description: compiler and build type, e.g.
   *  "gcc 12.2.0, Release". NULL or "" when unknown. */
  const char* build_info;

  /** Return target `index`, or NULL if index >= target_count. The returned
   *  struct is static and plugin-owned. No heavy work here. */
  const bench_target_v1*(BENCH_TARGET_V1_CALL* get_target)(uint32_t index);

  /** Optional (may be NULL): return an extension table by string id with a
   *  revision suffix ("vendor.name/1"), or NULL when unknown. Lets a plugin
   *  offer more without a new major version. */
  const void*(BENCH_TARGET_V1_CALL* get_extension)(const char* extension_id);
} bench_plugin_v1;

/**
 * The one exported symbol. Define it in the plugin as
 *
 *   BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL
 *   bench_target_v1_entry(const bench_host_info_v1* host) { ... }
 *
 * Return a pointer to a static descriptor, or NULL to decline (for instance
 * when host->abi_minor is older than what the plugin needs). Do no heavy
 * work, I/O or thread creation here: the host calls it to list plugins.
 */
typedef const bench_plugin_v1*(BENCH_TARGET_V1_CALL* bench_target_v1_entry_fn)(
    const bench_host_info_v1* host);

/* ------------------------------------------------------------------------ */
/* Small helpers (inline, nothing crosses the boundary)                     */
/* ------------------------------------------------------------------------ */

/** True when the struct at `ptr` (which starts with struct_size) is large
 *  enough to hold `field` of `type`: the min(struct_size) rule. */
#define BENCH_TARGET_V1_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/** The argument of the family member being set up; 0 from a 1.0 host. */
static BENCH_TARGET_V1_INLINE int64_t bench_host_argument(const bench_host_services_v1* host) {
  return BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, argument) ? host->argument : 0;
}

/** The target's user_data; NULL from a 1.0 host. */
static BENCH_TARGET_V1_INLINE const void* bench_host_user_data(const bench_host_services_v1* host) {
  return BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, user_data) ? host->user_data
                                                                            : NULL;
}

/** (1.3) Manual timing wrappers: call the service when the host offers it
 *  (struct_size covers it), else do nothing and return 0, so one plugin
 *  runs on every host; 1 when the host took the call. */
/** (1.4) Threads that run_thread() runs on for the target being set up;
 *  1 from an older host or for an unthreaded target. */
static BENCH_TARGET_V1_INLINE uint32_t bench_host_threads(const bench_host_services_v1* host) {
  return BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, threads) && host->threads > 0
             ? host->threads
             : 1;
}

/** (1.4) report_counter when the host offers it, else 0 and nothing (an
 *  older host cannot divide by its run() totals): 1 when the host took it. */
static BENCH_TARGET_V1_INLINE int bench_host_report_counter(const bench_host_services_v1* host,
                                                            const char* key, double value,
                                                            uint32_t flags) {
  if (!BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, report_counter) ||
      host->report_counter == NULL)
    return 0;
  host->report_counter(host->host_context, key, value, flags);
  return 1;
}

static BENCH_TARGET_V1_INLINE int bench_host_add_manual_time_ns(const bench_host_services_v1* host,
                                                                uint64_t nanoseconds) {
  if (!BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, add_manual_time_ns) ||
      host->add_manual_time_ns == NULL)
    return 0;
  host->add_manual_time_ns(host->host_context, nanoseconds);
  return 1;
}
static BENCH_TARGET_V1_INLINE int bench_host_pause_timing(const bench_host_services_v1* host) {
  if (!BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, pause_timing) ||
      host->pause_timing == NULL)
    return 0;
  host->pause_timing(host->host_context);
  return 1;
}
static BENCH_TARGET_V1_INLINE int bench_host_resume_timing(const bench_host_services_v1* host) {
  if (!BENCH_TARGET_V1_HAS_FIELD(host, bench_host_services_v1, resume_timing) ||
      host->resume_timing == NULL)
    return 0;
  host->resume_timing(host->host_context);
  return 1;
}

/** Copies `message` into a caller buffer of `capacity` bytes: truncated,
 *  always NUL-terminated (the rule for every message buffer). */
static BENCH_TARGET_V1_INLINE void bench_write_message(char* buffer, uint64_t capacity,
                                                       const char* message) {
  uint64_t n = 0;
  if (buffer == NULL || capacity == 0) return;
  while (message != NULL && message[n] != '\0' && n + 1 < capacity) {
    buffer[n] = message[n];
    ++n;
  }
  buffer[n] = '\0';
}

/** Says why the entry function declines, when the host offers a buffer
 *  (1.1); returns NULL so it can end the entry function:
 *    if (!cpu_has_avx2()) return bench_decline(host, "needs AVX2");  */
static BENCH_TARGET_V1_INLINE const bench_plugin_v1* bench_decline(const bench_host_info_v1* host,
                                                                   const char* reason) {
  if (host != NULL && BENCH_TARGET_V1_HAS_FIELD(host, bench_host_info_v1, decline_reason))
    bench_write_message(host->decline_reason, host->decline_reason_capacity, reason);
  return NULL;
}

/** True when target `t` is threaded (1.4): run_thread on `threads` threads. */
static BENCH_TARGET_V1_INLINE int bench_target_is_threaded(const bench_target_v1* t) {
  return BENCH_TARGET_V1_HAS_FIELD(t, bench_target_v1, run_thread) && t->run_thread != NULL;
}

/** True when target `t` declares a family (arguments or a range). */
static BENCH_TARGET_V1_INLINE int bench_target_is_family(const bench_target_v1* t) {
  return BENCH_TARGET_V1_HAS_FIELD(t, bench_target_v1, range_last) &&
         (t->argument_count != 0 || t->range_multiplier != 0);
}

/** How the plugin was compiled, for build_info: GCC and Clang define
 *  __OPTIMIZE__ from -O1 up. The host warns about "unoptimized" plugins:
 *  their timings measure the compiler's debug output, not your code. */
#if defined(__OPTIMIZE__)
#define BENCH_TARGET_V1_OPTIMIZATION "optimized"
#elif defined(__GNUC__) || defined(__clang__)
#define BENCH_TARGET_V1_OPTIMIZATION "unoptimized (-O0)"
#else
#define BENCH_TARGET_V1_OPTIMIZATION "optimization unknown"
#endif

#if defined(__clang__)
#define BENCH_TARGET_V1_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define BENCH_TARGET_V1_COMPILER "gcc " __VERSION__
#else
#define BENCH_TARGET_V1_COMPILER "unknown compiler"
#endif

/** A default build_info: compiler and optimisation, e.g.
 *  "gcc 12.2.0, optimized". */
#define BENCH_TARGET_V1_BUILD_INFO BENCH_TARGET_V1_COMPILER ", " BENCH_TARGET_V1_OPTIMIZATION

/** Initializers for an element of a static bench_target_v1 array, filling
 *  every field (so a later minor's appended fields are zero, their default,
 *  without -Wmissing-field-initializers warnings):
 *    BENCH_TARGET_V1_TARGET("my_sort", "sort 1,000 keys", setup, run, teardown)
 *    BENCH_TARGET_V1_FAMILY("my_hash", "hash n bytes", setup, run, teardown, "bytes", kSizes)
 *    BENCH_TARGET_V1_RANGE_FAMILY("my_scan", "scan n rows", setup, run, teardown, "rows", 8, 8192,
 * 8) `arguments` must be a static array of int64_t (its length is taken with sizeof).
 *    BENCH_TARGET_V1_THREADED("my_count", "count on n threads", setup, run, run_thread, teardown,
 *                             1, 4)  (1.4: threads 1, 2 and 4; last == first: one count) */
#define BENCH_TARGET_V1_TARGET(id, description, setup, run, teardown)                             \
  {                                                                                               \
    sizeof(bench_target_v1), 0, id, description, setup, run, teardown, NULL, NULL, NULL, 0, 0, 0, \
        0, NULL, NULL, 0, 0, NULL, NULL                                                           \
  }
#define BENCH_TARGET_V1_FAMILY(id, description, setup, run, teardown, variable, arguments)        \
  {                                                                                               \
    sizeof(bench_target_v1), 0, id, description, setup, run, teardown, NULL, variable, arguments, \
        (uint32_t)(sizeof(arguments) / sizeof((arguments)[0])), 0, 0, 0, NULL, NULL, 0, 0, NULL,  \
        NULL                                                                                      \
  }
#define BENCH_TARGET_V1_RANGE_FAMILY(id, description, setup, run, teardown, variable, first, last, \
                                     multiplier)                                                   \
  {                                                                                                \
    sizeof(bench_target_v1), 0, id, description, setup, run, teardown, NULL, variable, NULL, 0,    \
        multiplier, first, last, NULL, NULL, 0, 0, NULL, NULL                                      \
  }

#define BENCH_TARGET_V1_THREADED(id, description, setup, run, run_thread, teardown, threads,      \
                                 threads_last)                                                    \
  {                                                                                               \
    sizeof(bench_target_v1), 0, id, description, setup, run, teardown, NULL, NULL, NULL, 0, 0, 0, \
        0, NULL, NULL, threads, (threads_last) > (threads) ? (threads_last) : 0, run_thread, NULL \
  }

/**
 * Defines get_target, the plugin descriptor and the exported entry function
 * for a static array of bench_target_v1, once per library at file scope:
 *
 *   static const bench_target_v1 kTargets[] = {...};
 *   BENCH_TARGET_V1_PLUGIN("my-plugin", "1.0.0", BENCH_TARGET_V1_BUILD_INFO, kTargets)
 *
 * The entry declines another major, and declines a 1.0 host when a target
 * declares a family (a 1.0 host would run the family's id as one target).
 */
#define BENCH_TARGET_V1_PLUGIN(plugin_name, plugin_version, plugin_build_info, targets)       \
  static const bench_target_v1* BENCH_TARGET_V1_CALL bench_target_v1_get_target(uint32_t i) { \
    return i < sizeof(targets) / sizeof((targets)[0]) ? &(targets)[i] : NULL;                 \
  }                                                                                           \
  static const bench_plugin_v1 bench_target_v1_plugin = {                                     \
      sizeof(bench_plugin_v1),                                                                \
      BENCH_TARGET_V1_ABI_MAJOR,                                                              \
      BENCH_TARGET_V1_ABI_MINOR,                                                              \
      (uint32_t)(sizeof(targets) / sizeof((targets)[0])),                                     \
      plugin_name,                                                                            \
      plugin_version,                                                                         \
      plugin_build_info,                                                                      \
      bench_target_v1_get_target,                                                             \
      NULL};                                                                                  \
  BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL bench_target_v1_entry(   \
      const bench_host_info_v1* host) {                                                       \
    size_t i;                                                                                 \
    if (host == NULL || host->abi_major != BENCH_TARGET_V1_ABI_MAJOR) return NULL;            \
    for (i = 0; i < sizeof(targets) / sizeof((targets)[0]); ++i)                              \
      if (host->abi_minor < 1 && bench_target_is_family(&(targets)[i])) return NULL;          \
    return &bench_target_v1_plugin;                                                           \
  }

/* ------------------------------------------------------------------------ */
/* Optimisation barriers                                                     */
/* ------------------------------------------------------------------------ */

/**
 * bench_do_not_optimize(&value): tell the compiler the value is read and may
 * be modified, so the computation producing it cannot be removed or hoisted
 * out of the run() loop. Pass the address of a non-const object holding the
 * result. bench_clobber_memory(): force all pending writes to memory.
 * (The same technique as Google Benchmark's DoNotOptimize/ClobberMemory.)
 */
#if defined(__GNUC__) || defined(__clang__)
static BENCH_TARGET_V1_INLINE void bench_do_not_optimize(void* value) {
  __asm__ __volatile__("" : : "r"(value) : "memory");
}
static BENCH_TARGET_V1_INLINE void bench_clobber_memory(void) {
  __asm__ __volatile__("" : : : "memory");
}
#else
/* Portable fallback: a volatile sink the optimiser must honour. */
static BENCH_TARGET_V1_INLINE void bench_do_not_optimize(void* value) {
  void* volatile sink = value;
  (void)sink;
}
static BENCH_TARGET_V1_INLINE void bench_clobber_memory(void) {
  static volatile int fence_sink;
  fence_sink = 0;
}
#endif

/* ------------------------------------------------------------------------ */
/* Layout pins                                                               */
/* ------------------------------------------------------------------------ */

/* No implicit padding anywhere: 32-bit fields in pairs, then pointers. The sizes
 * below hold on every ILP32 and LP64/LLP64 platform. A C99-compatible static
 * assertion (a negative array size fails to compile). */
#define BENCH_TARGET_V1_STATIC_ASSERT(cond, name) \
  typedef char bench_target_v1_static_assert_##name[(cond) ? 1 : -1]

/* 1.0 sizes were 16 + 2P, 8 + 6P, 8 + 5P and 16 + 5P (P = sizeof(void*));
 * 1.1 appended fields so that 64-bit fields stay 8-aligned on ILP32 too;
 * 1.2 appended two pointers to bench_target_v1 (1.1: 32 + 8P); 1.3 appended
 * three function pointers and a reserved one to bench_host_services_v1
 * (1.2: 16 + 8P); 1.4 appended two uint32_t and two pointers to
 * bench_host_services_v1 (1.3: 16 + 12P) and to bench_target_v1 (1.3:
 * 32 + 10P). */
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_host_info_v1) == 24 + 3 * sizeof(void*), host_info_size);
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_host_services_v1) == 24 + 14 * sizeof(void*),
                              host_services_size);
BENCH_TARGET_V1_STATIC_ASSERT(offsetof(bench_host_services_v1, threads) == 16 + 12 * sizeof(void*),
                              threads_appended_where_1_3_ended);
BENCH_TARGET_V1_STATIC_ASSERT(offsetof(bench_host_services_v1, add_manual_time_ns) ==
                                  16 + 8 * sizeof(void*),
                              manual_timing_appended_where_1_2_ended);
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_target_v1) == 40 + 12 * sizeof(void*), target_size);
BENCH_TARGET_V1_STATIC_ASSERT(offsetof(bench_target_v1, threads) == 32 + 10 * sizeof(void*),
                              threads_appended_where_1_3_ended_in_target);
BENCH_TARGET_V1_STATIC_ASSERT(offsetof(bench_target_v1, reset) == 32 + 8 * sizeof(void*),
                              reset_appended_where_1_1_ended);
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_plugin_v1) == 16 + 5 * sizeof(void*), plugin_size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* COSTOPS_BENCH_TARGET_V1_H */
