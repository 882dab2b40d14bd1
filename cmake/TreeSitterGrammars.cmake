# Tree-sitter grammars come from npm at configure time (DESIGN.md: Debian's
# runtime is 0.20.7, ABI 13-14, so the grammar is pinned to an ABI-14 release).
# Nothing of the grammar is committed; `npm pack` fetches the tarball into the
# build tree and its generated parser is compiled into a static library.
set(SEAM_TS_RUST_VERSION "0.23.2" CACHE STRING "tree-sitter-rust npm version (ABI 14)")
# C grammar: for the C side of the boundary (which function, macro or struct a
# C hunk changes). 0.23.6 is the last ABI-14 release; it has no scanner.
set(SEAM_TS_C_VERSION "0.23.6" CACHE STRING "tree-sitter-c npm version (ABI 14)")

function(seam_fetch_grammar package version out_dir)
  set(dir "${CMAKE_BINARY_DIR}/grammars/${package}-${version}")
  if(NOT EXISTS "${dir}/package/src/parser.c")
    file(MAKE_DIRECTORY "${dir}")
    find_program(NPM npm REQUIRED)
    execute_process(
      COMMAND "${NPM}" pack "${package}@${version}" --silent
      WORKING_DIRECTORY "${dir}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE tarball ERROR_VARIABLE err
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "npm pack ${package}@${version} failed: ${err}")
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} -E tar xzf "${tarball}"
                    WORKING_DIRECTORY "${dir}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${dir}/package/src/parser.c")
      message(FATAL_ERROR "could not unpack ${tarball} in ${dir}")
    endif()
  endif()
  set(${out_dir} "${dir}/package/src" PARENT_SCOPE)
endfunction()

seam_fetch_grammar(tree-sitter-rust ${SEAM_TS_RUST_VERSION} TS_RUST_SRC)
add_library(ts_rust STATIC "${TS_RUST_SRC}/parser.c" "${TS_RUST_SRC}/scanner.c")
target_include_directories(ts_rust PRIVATE "${TS_RUST_SRC}")
set_target_properties(ts_rust PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
target_compile_options(ts_rust PRIVATE -w)

seam_fetch_grammar(tree-sitter-c ${SEAM_TS_C_VERSION} TS_C_SRC)
add_library(ts_c STATIC "${TS_C_SRC}/parser.c")
target_include_directories(ts_c PRIVATE "${TS_C_SRC}")
set_target_properties(ts_c PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
target_compile_options(ts_c PRIVATE -w)
