// ABI checks against the fixture plugins, loaded in this process.
#include <doctest/doctest.h>

#include <string>

#include "costops/host/plugin_probe.hpp"
#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {
std::string fixture(const std::string& relative) {
  return std::string(COSTOPS_FIXTURE_DIR) + "/" + relative;
}
}  // namespace

TEST_CASE("a good C plugin with two targets is accepted") {
  PluginLibrary plugin(fixture("good/good_c_plugin.so"));
  REQUIRE(plugin.usable());
  const PluginProbe& probe = plugin.probe();
  CHECK(probe.name == "fixture-good-c");
  CHECK(probe.version == "1.2.3");
  CHECK(probe.abi_major == 1);
  REQUIRE(probe.targets.size() == 2);
  CHECK(probe.targets[0].id == "fixture_sum_array");
  CHECK(probe.targets[1].id == "fixture_copy_bytes");
  CHECK(find_target(plugin.descriptor(), "fixture_copy_bytes") != nullptr);
  CHECK(find_target(plugin.descriptor(), "nope") == nullptr);
}

TEST_CASE("a plugin that declines via NULL is incompatible, with a reason") {
  PluginLibrary plugin(fixture("hostile/misbehaving_decline.so"));
  CHECK_FALSE(plugin.usable());
  CHECK(plugin.probe().status == TargetStatus::incompatible);
  CHECK(plugin.probe().reason.find("declined") != std::string::npos);
}

TEST_CASE("a wrong ABI major is refused naming both versions") {
  PluginLibrary plugin(fixture("hostile/misbehaving_wrong_major.so"));
  CHECK(plugin.probe().status == TargetStatus::incompatible);
  CHECK(plugin.probe().reason.find("plugin ABI major 2, host ABI major 1") != std::string::npos);
}

TEST_CASE("absurd struct sizes and NULL functions are refused") {
  PluginLibrary bad_size(fixture("hostile/misbehaving_bad_size.so"));
  CHECK(bad_size.probe().status == TargetStatus::incompatible);
  CHECK(bad_size.probe().reason.find("struct_size 2147483647") != std::string::npos);
  PluginLibrary null_run(fixture("hostile/misbehaving_null_run.so"));
  CHECK(null_run.probe().status == TargetStatus::invalid);
  CHECK(null_run.probe().reason.find("NULL setup or run") != std::string::npos);
}

TEST_CASE("files that are not shared libraries are invalid before dlopen") {
  PluginLibrary empty(fixture("junk/empty.so"));
  CHECK(empty.probe().status == TargetStatus::invalid);
  CHECK(empty.probe().reason.find("empty") != std::string::npos);
  PluginLibrary random(fixture("junk/random_bytes.so"));
  CHECK(random.probe().status == TargetStatus::invalid);
  CHECK(random.probe().reason.find("not an ELF") != std::string::npos);
  PluginLibrary missing(fixture("junk/does_not_exist.so"));
  CHECK(missing.probe().status == TargetStatus::invalid);
}

TEST_CASE("target ids: lowercase letters, digits, underscores, starting with a letter") {
  CHECK(is_valid_target_id("cost_calculator"));
  CHECK(is_valid_target_id("aggregator_10000"));
  CHECK_FALSE(is_valid_target_id(""));
  CHECK_FALSE(is_valid_target_id("1abc"));
  CHECK_FALSE(is_valid_target_id("Cost"));
  CHECK_FALSE(is_valid_target_id("a-b"));
  CHECK_FALSE(is_valid_target_id("../etc"));
  CHECK_FALSE(is_valid_target_id(std::string(65, 'a')));
}

TEST_CASE("descriptor checks without a library") {
  CHECK(inspect_descriptor(nullptr).status == TargetStatus::incompatible);
  bench_plugin_v1 descriptor{};
  descriptor.struct_size = sizeof descriptor;
  descriptor.abi_major = 1;
  descriptor.name = "x";
  descriptor.target_count = 0;
  descriptor.get_target = [](std::uint32_t) -> const bench_target_v1* { return nullptr; };
  CHECK(inspect_descriptor(&descriptor).reason.find("target_count 0") != std::string::npos);
  descriptor.target_count = 1;
  CHECK(inspect_descriptor(&descriptor).reason.find("returned NULL") != std::string::npos);
}

TEST_CASE("a family member's description names its argument where the family's says N") {
  static const std::int64_t arguments[] = {100, 100000};
  static bench_target_v1 family{};
  family.struct_size = sizeof family;
  family.id = "sum";
  family.description = "sum N values (N-way: Nothing changes)";
  family.setup = [](const bench_host_services_v1*, void**, char*, std::uint64_t) -> bench_status {
    return BENCH_STATUS_OK;
  };
  family.run = [](void*, std::uint64_t, char*, std::uint64_t) -> bench_status {
    return BENCH_STATUS_OK;
  };
  family.arguments = arguments;
  family.argument_count = 2;
  bench_plugin_v1 descriptor{};
  descriptor.struct_size = sizeof descriptor;
  descriptor.abi_major = 1;
  descriptor.abi_minor = BENCH_TARGET_V1_ABI_MINOR;
  descriptor.name = "families";
  descriptor.version = "1";
  descriptor.target_count = 1;
  descriptor.get_target = [](std::uint32_t) -> const bench_target_v1* { return &family; };
  const PluginProbe probe = inspect_descriptor(&descriptor);
  REQUIRE(probe.targets.size() == 2);
  CHECK(probe.targets[0].id == "sum_100");
  CHECK(probe.targets[0].description == "sum 100 values (100-way: Nothing changes)");
  CHECK(probe.targets[1].description == "sum 100,000 values (100,000-way: Nothing changes)");
}

// A plugin's own function named like one the process already has (libm's
// log): with the SDK's flags it is local and the plugin calls its own; built
// by hand with every symbol exported, the loader binds the plugin's calls to
// libm's, so the host would time the wrong code. It is refused by name.
TEST_CASE("a plugin whose own calls the loader binds to the host's process is refused") {
  PluginLibrary sdk_built(fixture("abi_1_0/own_log_plugin_abi_1_0.so"));
  CHECK_MESSAGE(sdk_built.usable(), sdk_built.probe().reason);

  PluginLibrary exported(fixture("exported_symbols/own_log_exported.so"));
  CHECK_FALSE(exported.usable());
  CHECK(exported.probe().status == TargetStatus::invalid);
  const std::string& reason = exported.probe().reason;
  CHECK_MESSAGE(reason.find("log") != std::string::npos, reason);
  CHECK_MESSAGE(reason.find("libm") != std::string::npos, reason);
  CHECK_MESSAGE(reason.find("-fvisibility=hidden") != std::string::npos, reason);
}

// A plugin's own helper library placed next to it (found through an RPATH of
// $ORIGIN) is probed like a plugin: the reason says where such a library goes.
TEST_CASE("a library without the entry symbol is told where private libraries go") {
  PluginLibrary helper(fixture("shims/full_disk_shim.so"));
  CHECK_FALSE(helper.usable());
  CHECK(helper.probe().status == TargetStatus::invalid);
  const std::string& reason = helper.probe().reason;
  CHECK_MESSAGE(reason.find("no exported symbol bench_target_v1_entry") != std::string::npos,
                reason);
  CHECK_MESSAGE(reason.find("$ORIGIN/lib") != std::string::npos, reason);
}
