# io: model files (format, strict loader, atomic save, adversarial inputs).
nnact_add_test(test_io test_io.c)
nnact_add_test(test_io_file test_io_file.c)
nnact_add_test(test_io_adversarial test_io_adversarial.c)

# nnact info FILE: layers, parameter count (69 = 5*4+4 + 4*3+3 + 3*5 + 5*2+2 + 2*1+1,
# see tests/gen_io_fixtures.py) and the checksum the fixture generator wrote.
add_test(NAME cli_info_file COMMAND nnact_cli info ${CMAKE_CURRENT_SOURCE_DIR}/data/io_five.nnm)
set_tests_properties(cli_info_file PROPERTIES
  PASS_REGULAR_EXPRESSION "parameters +69\n.*CRC-32C 0x8f6eb04a, verified")
add_test(NAME cli_info_file_bad COMMAND nnact_cli info /dev/zero)
set_tests_properties(cli_info_file_bad PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_demo_save_reload COMMAND nnact_cli demo)
set_tests_properties(cli_demo_save_reload PROPERTIES
  PASS_REGULAR_EXPRESSION "1  1    0\\.124939911830447[0-9]+  0\\.124939911830447[0-9]+  yes")
nnact_add_test(test_io_checkpoint test_io_checkpoint.c)
nnact_add_test(test_io_resume test_io_resume.c)
