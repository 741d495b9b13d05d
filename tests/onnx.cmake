# onnx: export/import (CMocka), the real clients (ONNX Runtime through Node,
# the onnx checker through Debian's python3-onnx) on every exported kind, and
# the CLI commands. The client tests FAIL when their tool is missing if
# NNACT_REQUIRE_CLIENTS is set in the environment (CI sets it); a local build
# without them reports them skipped (exit 77).
nnact_add_test(test_onnx test_onnx.c)

add_executable(onnx_gen onnx/onnx_gen.c)
target_compile_options(onnx_gen PRIVATE ${NNACT_WARNINGS})
target_compile_definitions(onnx_gen PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(onnx_gen PRIVATE nnact_static m)

set(NNACT_ONNX_OUT ${CMAKE_CURRENT_BINARY_DIR}/onnx_models)
add_test(NAME onnx_gen COMMAND ${CMAKE_COMMAND} -E env sh -c
         "rm -rf '${NNACT_ONNX_OUT}' && mkdir -p '${NNACT_ONNX_OUT}' && '$<TARGET_FILE:onnx_gen>' '${NNACT_ONNX_OUT}'")
set_tests_properties(onnx_gen PROPERTIES FIXTURES_SETUP onnx_models)

add_test(NAME onnx_ort COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/onnx/run_client.sh ort ${NNACT_ONNX_OUT})
add_test(NAME onnx_checker COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/onnx/run_client.sh checker ${NNACT_ONNX_OUT})
set_tests_properties(onnx_ort onnx_checker PROPERTIES FIXTURES_REQUIRED onnx_models
                     SKIP_RETURN_CODE 77)

add_test(NAME cli_onnx COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/onnx/check_onnx_cli.sh
         $<TARGET_FILE:nnact_cli> ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/onnx_cli)

# Every global symbol of the static library is prefixed (the ONNX codec's were not).
add_test(NAME static_symbols COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_static_symbols.sh
         $<TARGET_FILE:nnact_static>)
