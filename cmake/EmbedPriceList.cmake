# Embeds costops-core/data/prices.json into a C++ source file, so the
# library prices with its built-in list without finding a data file.
# usage: cmake -DPRICES=file.json -DOUT=file.cpp -P EmbedPriceList.cmake
cmake_minimum_required(VERSION 3.25)
file(READ ${PRICES} content)
set(delimiter "costops_prices")
string(FIND "${content}" "${delimiter}" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${PRICES} contains '${delimiter}', the raw-string delimiter")
endif()
set(text "// Generated from costops-core/data/prices.json by cmake/EmbedPriceList.cmake. Do not edit.\n")
string(APPEND text "#include <string_view>\n\nnamespace costops::core {\n\n")
string(APPEND text "extern const std::string_view kBuiltinPriceListJson;\n")
string(APPEND text "const std::string_view kBuiltinPriceListJson = R\"${delimiter}(${content})${delimiter}\";\n\n")
string(APPEND text "}  // namespace costops::core\n")
include(${CMAKE_CURRENT_LIST_DIR}/WriteIfChanged.cmake)
write_if_changed(${OUT} "${text}")
