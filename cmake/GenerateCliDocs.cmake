# Writes the shell completion scripts and the man page by running the built
# cost-ops, so they come from the same option definitions as --help.
# usage: cmake -DEXE=path/to/cost-ops -DOUT=dir -P GenerateCliDocs.cmake
cmake_minimum_required(VERSION 3.25)
file(MAKE_DIRECTORY ${OUT})
function(write_output file)
  execute_process(COMMAND ${EXE} ${ARGN} OUTPUT_FILE ${OUT}/${file} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${EXE} ${ARGN} failed (${status})")
  endif()
endfunction()
write_output(cost-ops completion bash)
write_output(_cost-ops completion zsh)
write_output(cost-ops.fish completion fish)
write_output(cost-ops.1 manpage)
