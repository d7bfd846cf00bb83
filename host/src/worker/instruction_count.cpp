#include "costops/host/worker/instruction_count.hpp"

#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>

namespace costops::host {

bool running_under_valgrind() {
  return RUNNING_ON_VALGRIND != 0;
}

// Collection starts off (--collect-atstart=no): each toggle flips it.
void start_counting_instructions() {
  CALLGRIND_TOGGLE_COLLECT;
}

void stop_counting_instructions() {
  CALLGRIND_TOGGLE_COLLECT;
}

}  // namespace costops::host
