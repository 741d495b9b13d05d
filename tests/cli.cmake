add_test(NAME cli_contract COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_cli.sh $<TARGET_FILE:nnact_cli>)
add_test(NAME cli_data COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_data_cli.sh $<TARGET_FILE:nnact_cli>)
