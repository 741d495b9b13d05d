nnact_add_test(test_par test_par.c)
target_link_libraries(test_par PRIVATE ${CMAKE_DL_LIBS})
# The unload case dlopens the shared library, as a plugin host would. Not in
# the TSan stage (tests/tsan/run.sh): it builds the test binaries only, and a
# TSan-instrumented libnnact.so does not link with --no-undefined.
if(NOT CMAKE_C_FLAGS MATCHES "sanitize=thread")
  target_compile_definitions(test_par PRIVATE NNACT_SHARED_LIBRARY="$<TARGET_FILE:nnact>")
  add_dependencies(test_par nnact)
endif()
