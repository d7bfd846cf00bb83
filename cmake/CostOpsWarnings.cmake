# Warning and sanitizer flags shared by every target of the project.
add_library(costops_warnings INTERFACE)
target_compile_options(costops_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  # GCC 12 reports false -Wrestrict positives inside libstdc++'s string
  # assignment at -O2 (GCC bug 105651); the code it flags is std::string's.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<BOOL:${COSTOPS_WERROR}>:-Werror>)

if(COSTOPS_SANITIZE)
  # -O1 -g1 (after the build type's flags, so they win): what the sanitizers'
  # documentation recommends, with line tables for the reports but no full
  # debug information, which made this build the longest part of CI.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -O1 -g1)
  add_link_options(-fsanitize=address,undefined)
endif()
