#include "costops/host/worker/plugin_library.hpp"

#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/symbol_interposition.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include "costops/host/build_info.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/sandbox/worker_leftovers.hpp"

namespace costops::host {

bench_host_info_v1 host_info_for_plugins(char* decline_reason, std::uint32_t capacity) {
  return {sizeof(bench_host_info_v1),
          BENCH_TARGET_V1_ABI_MAJOR,
          BENCH_TARGET_V1_ABI_MINOR,
          0,
          "cost-ops",
          kHostVersion,
          decline_reason ? capacity : 0,
          0,
          decline_reason};
}

namespace {

std::string machine_name(std::uint16_t machine) {
  switch (machine) {
    case 3:
      return "i386";
    case 8:
      return "mips";
    case 20:
      return "powerpc";
    case 21:
      return "powerpc64";
    case 22:
      return "s390";
    case 40:
      return "arm";
    case 62:
      return "x86_64";
    case 183:
      return "aarch64";
    case 243:
      return "riscv";
    default:
      return "machine type " + std::to_string(machine);
  }
}

#if defined(__x86_64__)
constexpr std::uint16_t kHostMachine = 62;
constexpr unsigned char kHostClass = 2;
#elif defined(__aarch64__)
constexpr std::uint16_t kHostMachine = 183;
constexpr unsigned char kHostClass = 2;
#elif defined(__i386__)
constexpr std::uint16_t kHostMachine = 3;
constexpr unsigned char kHostClass = 1;
#else
constexpr std::uint16_t kHostMachine = 0;  // unknown: skip the machine check
constexpr unsigned char kHostClass = 0;
#endif

}  // namespace

BinaryCheck check_binary_format(const std::filesystem::path& path) {
  // A directory, FIFO or device named *.so is said to be one, never read
  // (a FIFO would block, a directory would read as "empty").
  FileDescriptor fd;
  try {
    fd = open_regular_file(path, O_RDONLY);
  } catch (const UnsafeFileError& e) {
    return {TargetStatus::invalid, e.what()};
  }
  if (fd.get() < 0)
    return {TargetStatus::invalid, "cannot open the file: " + std::string(strerror(errno))};
  std::array<unsigned char, 20> header{};
  ssize_t got = 0;
  while (got < static_cast<ssize_t>(header.size())) {
    const ssize_t n =
        ::read(fd.get(), header.data() + got, header.size() - static_cast<std::size_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += n;
  }
  if (got == 0) return {TargetStatus::invalid, "the file is empty, not a shared library"};
  if (got < 20 || std::memcmp(header.data(),
                              "\x7f"
                              "ELF",
                              4) != 0)
    return {TargetStatus::invalid, "not an ELF shared library (wrong magic bytes)"};
  const unsigned char elf_class = header[4];
  const unsigned char data = header[5];  // 1 little-endian, 2 big-endian
  const unsigned char host_data = std::endian::native == std::endian::little ? 1 : 2;
  const auto byte_order = [](unsigned char d) {
    return d == 1 ? "little-endian" : d == 2 ? "big-endian" : "unknown byte order";
  };
  if (data != host_data)
    return {TargetStatus::incompatible, std::string("an ELF file for ") + byte_order(data) +
                                            " machines (this host is " + byte_order(host_data) +
                                            "); rebuild the plugin for this machine"};
  const std::uint16_t type = data == 2 ? static_cast<std::uint16_t>(header[16] << 8 | header[17])
                                       : static_cast<std::uint16_t>(header[17] << 8 | header[16]);
  const std::uint16_t machine = data == 2
                                    ? static_cast<std::uint16_t>(header[18] << 8 | header[19])
                                    : static_cast<std::uint16_t>(header[19] << 8 | header[18]);
  if (type != 3) {  // ET_DYN
    const char* what = type == 1   ? "a relocatable object (.o); link it with -shared"
                       : type == 2 ? "an executable (not position-independent); build the plugin "
                                     "with -shared -fPIC"
                       : type == 4 ? "a core dump"
                                   : "of an unknown kind";
    return {TargetStatus::invalid, "an ELF file but not a shared library: it is " +
                                       std::string(what) + " (e_type " + std::to_string(type) +
                                       ")"};
  }
  if (kHostMachine != 0 && (machine != kHostMachine || elf_class != kHostClass))
    return {TargetStatus::incompatible, "built for " + machine_name(machine) +
                                            (elf_class == 1 ? " (32-bit)" : "") + ", host is " +
                                            machine_name(kHostMachine) +
                                            "; rebuild the plugin for this machine"};
  return {};
}

// A plugin for another major exports bench_target_vN_entry instead (the
// major is part of the symbol's name, so a v1 host can never call it by
// mistake). Naming it turns "no entry symbol" into the real reason.
bool PluginLibrary::refuse_other_major() {
  for (int major = 2; major <= 9; ++major) {
    const std::string symbol = "bench_target_v" + std::to_string(major) + "_entry";
    if (!library_.has(symbol)) continue;
    probe_.status = TargetStatus::incompatible;
    probe_.abi_major = static_cast<std::uint32_t>(major);
    probe_.reason = "built for plugin ABI major " + std::to_string(major) + " (exports " + symbol +
                    "), host ABI major " + std::to_string(BENCH_TARGET_V1_ABI_MAJOR) +
                    "; use a cost-ops host that speaks ABI v" + std::to_string(major) +
                    ", or a build of the plugin for v" + std::to_string(BENCH_TARGET_V1_ABI_MAJOR);
    return true;
  }
  return false;
}

PluginLibrary::PluginLibrary(const std::filesystem::path& path, OwnSymbolCheck own_symbols) {
  probe_.path = path.string();
  if (const BinaryCheck check = check_binary_format(path); check.status != TargetStatus::ok) {
    probe_.status = check.status;
    probe_.reason = check.reason;
    return;
  }
  try {
    library_.load(boost::dll::fs::path(path),
                  boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    probe_.status = TargetStatus::invalid;
    probe_.reason = std::string("the dynamic loader refused it: ") + e.what() +
                    " (an unresolved symbol means a missing dependency or link error)";
    return;
  }
  // Before any plugin function runs: with its own calls bound to another
  // library's code, its checks and its timings would be of that code.
  if (std::string bound = own_symbols == OwnSymbolCheck::check
                              ? bound_elsewhere_reason(symbols_bound_elsewhere(path))
                              : std::string();
      !bound.empty()) {
    probe_.status = TargetStatus::invalid;
    probe_.reason = std::move(bound);
    return;
  }
  if (!library_.has(BENCH_TARGET_V1_ENTRY_SYMBOL)) {
    if (refuse_other_major()) return;
    probe_.status = TargetStatus::invalid;
    probe_.reason = "no exported symbol " BENCH_TARGET_V1_ENTRY_SYMBOL
                    "; is this a cost-ops plugin? Define it with BENCH_TARGET_V1_EXPORT. A "
                    "library a plugin needs goes in a subdirectory (lib/, found through an "
                    "RPATH of $ORIGIN/lib), not directly in a plugin directory";
    return;
  }
  const auto entry =
      library_.get<const bench_plugin_v1*(const bench_host_info_v1*)>(BENCH_TARGET_V1_ENTRY_SYMBOL);
  // 1.1: a declining plugin may say why, into this buffer.
  std::array<char, 1024> decline_reason{};
  const bench_host_info_v1 host_info =
      host_info_for_plugins(decline_reason.data(), decline_reason.size());
  descriptor_ = entry(&host_info);
  decline_reason.back() = '\0';  // the plugin may have forgotten
  std::string path_string = std::move(probe_.path);
  probe_ = inspect_descriptor(descriptor_, descriptor_ ? "" : decline_reason.data());
  probe_.path = std::move(path_string);
}

PluginLibrary::~PluginLibrary() {
  if (!library_.is_loaded() || sandbox::other_threads() == 0) return;
  // Reachable from a static, so never unloaded and not reported as a leak.
  static auto* const kept_loaded = new std::vector<boost::dll::shared_library>;
  kept_loaded->push_back(std::move(library_));
}

}  // namespace costops::host
