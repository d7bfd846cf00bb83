// `cost-ops store migrate --history FILE|URL`: the owner's explicit schema
// upgrade. Runners migrate on their own only when their role may; readers
// never do, so a store shared by least-privilege roles is upgraded by its
// owner with this command before (or after) a new cost-ops is rolled out.
#include <iostream>

#include "commands.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

constexpr const char* kStoreUsage =
    "Usage: cost-ops store migrate --history FILE|URL [--store-timeout S]\n\n"
    "Creates the result store's tables, or brings an older schema to this cost-ops's\n"
    "version, in one transaction (on PostgreSQL under an advisory lock: safe while runners\n"
    "write). Run it as the store's owner; docs/fleet.md gives the GRANTs of the owner,\n"
    "writer and reader roles. A schema newer than this cost-ops is refused.\n\n";

po::options_description describe_store_options(bool& help, StoreOptionValues& store) {
  po::options_description options("Store options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help");
  options.add(describe_history_location(store));
  return options;
}

}  // namespace

po::options_description store_options_for_documentation() {
  static bool help = false;
  static StoreOptionValues store;
  return describe_store_options(help, store);
}

int store_command(const Arguments& args, const CommandContext&) {
  bool help = false;
  StoreOptionValues store;
  std::vector<std::string> positional;
  const po::options_description options = describe_store_options(help, store);
  parse_with_positionals(args, options, positional);
  // The URL may also come as the operand: `cost-ops store migrate URL`.
  if (positional.size() == 2 && store.location.empty()) store.location = positional.back();
  if (help) {
    std::cout << kStoreUsage << options
              << exit_codes_help(
                     "0 the schema is at this cost-ops's version, 2 usage error or a\n"
                     "            store that cannot be reached or migrated.");
    return kExitOk;
  }
  if (positional.empty() || positional[0] != "migrate")
    return usage_error("store", positional.empty() ? "name what to do: `store migrate`"
                                                   : "`" + positional[0] +
                                                         "` is not a store command; the one "
                                                         "there is: `store migrate`");
  if (positional.size() > 2)
    return usage_error("store", "store migrate takes one store, not " +
                                    quoted_list({positional.begin() + 1, positional.end()}));
  if (store.location.empty())
    return usage_error("store", "name the store to migrate with --history FILE|URL");
  if (!check_store_options(store, false)) return kExitUsage;
  try {
    const auto [from, to] =
        migrate_result_store(store.location, store.open_for(StoreAccess::migrate));
    const std::string where = redacted_location(store.location);
    if (from == to)
      std::cerr << where << " is at schema version " << to << " already\n";
    else
      std::cerr << "migrated " << where << " from schema version " << from << " to " << to << "\n";
  } catch (const HistoryError& e) {
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace costops::cli
