/* Prints the offset of every field up to ABI minor LAYOUT_MINOR (0 .. 3).
 * Built against a frozen header (tests/abi/v1_0 .. v1_3) and against
 * today's header with the same LAYOUT_MINOR; the two outputs must be
 * identical, so a later minor can only have appended. */
#include <costops/bench_target_v1.h>
#include <stddef.h>
#include <stdio.h>

#define FIELD(type, field) \
  printf("%s.%s offset %u\n", #type, #field, (unsigned)offsetof(type, field))

int main(void) {
  FIELD(bench_host_info_v1, struct_size);
  FIELD(bench_host_info_v1, abi_major);
  FIELD(bench_host_info_v1, abi_minor);
  FIELD(bench_host_info_v1, reserved);
  FIELD(bench_host_info_v1, host_name);
  FIELD(bench_host_info_v1, host_version);
  FIELD(bench_host_services_v1, struct_size);
  FIELD(bench_host_services_v1, abi_minor);
  FIELD(bench_host_services_v1, host_context);
  FIELD(bench_host_services_v1, set_bytes_per_operation);
  FIELD(bench_host_services_v1, set_items_per_operation);
  FIELD(bench_host_services_v1, report_metric_number);
  FIELD(bench_host_services_v1, report_metric_string);
  FIELD(bench_host_services_v1, log);
  FIELD(bench_target_v1, struct_size);
  FIELD(bench_target_v1, flags);
  FIELD(bench_target_v1, id);
  FIELD(bench_target_v1, description);
  FIELD(bench_target_v1, setup);
  FIELD(bench_target_v1, run);
  FIELD(bench_target_v1, teardown);
  FIELD(bench_plugin_v1, struct_size);
  FIELD(bench_plugin_v1, abi_major);
  FIELD(bench_plugin_v1, abi_minor);
  FIELD(bench_plugin_v1, target_count);
  FIELD(bench_plugin_v1, name);
  FIELD(bench_plugin_v1, version);
  FIELD(bench_plugin_v1, build_info);
  FIELD(bench_plugin_v1, get_target);
  FIELD(bench_plugin_v1, get_extension);
#if LAYOUT_MINOR >= 1
  FIELD(bench_host_info_v1, decline_reason_capacity);
  FIELD(bench_host_info_v1, reserved_1_1);
  FIELD(bench_host_info_v1, decline_reason);
  FIELD(bench_host_services_v1, argument);
  FIELD(bench_host_services_v1, user_data);
  FIELD(bench_host_services_v1, target_id);
  FIELD(bench_target_v1, user_data);
  FIELD(bench_target_v1, complexity_variable);
  FIELD(bench_target_v1, arguments);
  FIELD(bench_target_v1, argument_count);
  FIELD(bench_target_v1, range_multiplier);
  FIELD(bench_target_v1, range_first);
  FIELD(bench_target_v1, range_last);
  /* 1.3 appended to bench_host_services_v1: only the structs no later
   * minor grew keep their size. */
  printf("sizes %u %u\n", (unsigned)sizeof(bench_host_info_v1), (unsigned)sizeof(bench_plugin_v1));
#endif
#if LAYOUT_MINOR >= 2
  FIELD(bench_target_v1, reset);
  /* 1.4 appended to bench_target_v1: its size is no longer 1.2's. */
#endif
#if LAYOUT_MINOR >= 3
  FIELD(bench_host_services_v1, add_manual_time_ns);
  FIELD(bench_host_services_v1, pause_timing);
  FIELD(bench_host_services_v1, resume_timing);
  FIELD(bench_host_services_v1, reserved_1_3);
#endif
  printf("status ok %d error %d invalid %d unsupported %d verification %d\n", BENCH_STATUS_OK,
         BENCH_STATUS_ERROR, BENCH_STATUS_INVALID_ARGUMENT, BENCH_STATUS_UNSUPPORTED,
         BENCH_STATUS_VERIFICATION_FAILED);
  printf("major %d entry %s\n", BENCH_TARGET_V1_ABI_MAJOR, BENCH_TARGET_V1_ENTRY_SYMBOL);
  return 0;
}
