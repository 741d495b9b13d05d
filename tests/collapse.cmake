nnact_add_test(test_collapse test_collapse.c)
nnact_add_test(test_collapse_lapack test_collapse_lapack.c)
add_test(NAME cli_collapse COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_collapse_cli.sh $<TARGET_FILE:nnact_cli>)
