add_test(NAME cli_contract COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_cli.sh $<TARGET_FILE:nnact_cli>)
