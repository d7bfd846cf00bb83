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
 * Everything a plugin author needs is in this file. It is pure C (C99 and
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
 *     resized or removed.
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
#define BENCH_TARGET_V1_ABI_MINOR 0

/** Name of the one symbol a plugin exports, for hosts that look it up. */
#define BENCH_TARGET_V1_ENTRY_SYMBOL "bench_target_v1_entry"

/* ------------------------------------------------------------------------ */
/* Linkage macros                                                            */
/* ------------------------------------------------------------------------ */

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
/** The plugin cannot run here (missing resource, unsupported platform). */
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
 * may be called from setup(), run() and teardown(), on the calling thread
 * only. None of them fails in a way the plugin must handle; bad arguments
 * (NULL key, NaN value) are ignored and reported by the host.
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
} bench_host_services_v1;

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
static inline void bench_do_not_optimize(void* value) {
  __asm__ __volatile__("" : : "r"(value) : "memory");
}
static inline void bench_clobber_memory(void) {
  __asm__ __volatile__("" : : : "memory");
}
#else
/* Portable fallback: a volatile sink the optimiser must honour. */
static inline void bench_do_not_optimize(void* value) {
  void* volatile sink = value;
  (void)sink;
}
static inline void bench_clobber_memory(void) {
  static volatile int fence_sink;
  fence_sink = 0;
}
#endif

/* ------------------------------------------------------------------------ */
/* Layout pins                                                               */
/* ------------------------------------------------------------------------ */

/* No implicit padding anywhere: four 32-bit fields, then pointers. The sizes
 * below hold on every ILP32 and LP64/LLP64 platform. A C99-compatible static
 * assertion (a negative array size fails to compile). */
#define BENCH_TARGET_V1_STATIC_ASSERT(cond, name) \
  typedef char bench_target_v1_static_assert_##name[(cond) ? 1 : -1]

BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_host_info_v1) == 16 + 2 * sizeof(void*), host_info_size);
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_host_services_v1) == 8 + 6 * sizeof(void*),
                              host_services_size);
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_target_v1) == 8 + 5 * sizeof(void*), target_size);
BENCH_TARGET_V1_STATIC_ASSERT(sizeof(bench_plugin_v1) == 16 + 5 * sizeof(void*), plugin_size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* COSTOPS_BENCH_TARGET_V1_H */
