// The options of the paired A/B mode of `run` (--ab-paired and its
// settings): declared, documented and checked here, so run_command only adds
// the group.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>

#include "costops/host/run_options.hpp"

namespace costops::cli {

class PairedOptions {
 public:
  boost::program_options::options_description describe();
  // Validates into `options` (after the A/B directory and the rounds are
  // known); on a bad value or combination prints the error and returns false.
  bool apply(host::RunOptions& options) const;

 private:
  bool paired_ = false;
  bool self_check_ = false;
  double max_seconds_ = 2;
  std::int64_t max_processes_ = 10;
};

}  // namespace costops::cli
