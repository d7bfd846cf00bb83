# Installs the build into an empty prefix and checks the layout and that the
# installed host finds the installed plugins by itself.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed")
endif()
foreach(path bin/cost-ops include/costops/bench_target_v1.h share/cost-ops/schemas/results.schema.json
             share/cost-ops/schemas/raw-record.schema.json share/man/man1/cost-ops.1
             share/bash-completion/completions/cost-ops share/zsh/vendor-completions/_cost-ops
             share/fish/vendor_completions.d/cost-ops.fish)
  if(NOT EXISTS "${PREFIX}/${path}")
    message(FATAL_ERROR "missing after install: ${path}")
  endif()
endforeach()
# The documents --help and the man page name, and every relative Markdown
# link of the installed documents resolves inside the install.
# The names are read from what the installed cost-ops prints (every
# command's help and the man page), so a document named later is checked too.
set(named_by_host "")
foreach(words "--help" "manpage" "help;run" "help;plugins" "help;compare" "help;history"
              "help;aggregate" "help;export" "help;report" "help;store" "help;import"
              "help;new-plugin")
  execute_process(COMMAND "${PREFIX}/bin/cost-ops" ${words} OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "installed cost-ops ${words} failed (${rc})")
  endif()
  string(REPLACE "\\-" "-" text "${text}")  # the man page's escaped hyphens
  string(REGEX MATCHALL "docs/[a-z0-9-]+\\.md" found "${text}")
  list(APPEND named_by_host ${found})
endforeach()
list(REMOVE_DUPLICATES named_by_host)
list(LENGTH named_by_host named_count)
if(named_count LESS 5)
  message(FATAL_ERROR "the installed help and man page name only: ${named_by_host}")
endif()
foreach(doc README.md docs/comparison.md docs/isolation.md docs/exports.md docs/measurement.md
            docs/fleet.md docs/targets.md docs/plugin-authors.md docs/costops-core.md
            docs/import.md ${named_by_host})
  if(NOT EXISTS "${PREFIX}/share/doc/cost-ops/${doc}")
    message(FATAL_ERROR "missing after install: share/doc/cost-ops/${doc}")
  endif()
endforeach()
file(GLOB_RECURSE installed_markdown "${PREFIX}/share/*.md")
foreach(markdown ${installed_markdown})
  file(READ "${markdown}" text)
  get_filename_component(dir "${markdown}" DIRECTORY)
  string(REGEX MATCHALL "\\]\\([^)#: ]+(#[^)]*)?\\)" links "${text}")
  foreach(link ${links})
    string(REGEX REPLACE "^\\]\\(([^)#]+).*$" "\\1" target "${link}")
    if(NOT EXISTS "${dir}/${target}")
      message(FATAL_ERROR "${markdown}: link ${target} does not resolve in the install")
    endif()
  endforeach()
endforeach()
foreach(plugin cost_calculator aggregator forecasting compression export storage)
  if(NOT EXISTS "${PREFIX}/lib/cost-ops/plugins/${plugin}.so")
    message(FATAL_ERROR "missing after install: lib/cost-ops/plugins/${plugin}.so")
  endif()
endforeach()
execute_process(COMMAND "${PREFIX}/bin/cost-ops" run --list
                WORKING_DIRECTORY "${PREFIX}" RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT listing MATCHES "cost_calculator" OR NOT listing MATCHES "lib/cost-ops/plugins/storage.so")
  message(FATAL_ERROR "installed cost-ops did not find its plugins (${rc}): ${listing} ${err}")
endif()
