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
