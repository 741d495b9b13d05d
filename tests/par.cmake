nnact_add_test(test_par test_par.c)
# the unload case dlopens the shared library, as a plugin host would
target_compile_definitions(test_par PRIVATE NNACT_SHARED_LIBRARY="$<TARGET_FILE:nnact>")
target_link_libraries(test_par PRIVATE ${CMAKE_DL_LIBS})
add_dependencies(test_par nnact)
