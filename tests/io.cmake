# io: model files (format, strict loader, atomic save, adversarial inputs).
nnact_add_test(test_io test_io.c)
nnact_add_test(test_io_file test_io_file.c)
nnact_add_test(test_io_adversarial test_io_adversarial.c)
nnact_add_test(test_io_describe test_io_describe.c)

# nnact info FILE: layers, parameter count (69 = 5*4+4 + 4*3+3 + 3*5 + 5*2+2 + 2*1+1,
# see tests/gen_io_fixtures.py) and the checksum the fixture generator wrote.
add_test(NAME cli_info_file COMMAND nnact_cli info ${CMAKE_CURRENT_SOURCE_DIR}/data/io_five.nnm)
set_tests_properties(cli_info_file PROPERTIES
  PASS_REGULAR_EXPRESSION "parameters +69\n.*CRC-32C 0x8f6eb04a, verified")
# A checkpoint fixture (tests/gen_io_fixtures.py): io_five's layers, Adam with
# 1234 steps, 12 epochs and 3 minibatches done, base lr 0.05, and the CRC-32C
# the generator computed.
add_test(NAME cli_info_checkpoint_fixture COMMAND nnact_cli info ${CMAKE_CURRENT_SOURCE_DIR}/data/io_ckpt_adam.nnm)
set_tests_properties(cli_info_checkpoint_fixture PROPERTIES
  PASS_REGULAR_EXPRESSION "2628 bytes, libnnact training checkpoint, format 1[)]\ninputs +5\nlayers +5\n.*  1    dense 4 -> 3  leaky_relu +alpha 0[.]25  15 parameters\n.*parameters +69\noptimizer +adam, 1234 steps taken\nepochs done +12 [(]and 3 minibatches of the next[)]\nbase lr +0[.]05000000000000000[0-9]*\nchecksum +CRC-32C 0x98dfbee0, verified")
# A parameter of 0 is still printed (leaky ReLU slope 0, io_leaky0.nnm).
add_test(NAME cli_info_zero_param COMMAND nnact_cli info ${CMAKE_CURRENT_SOURCE_DIR}/data/io_leaky0.nnm)
set_tests_properties(cli_info_zero_param PROPERTIES
  PASS_REGULAR_EXPRESSION "dense 3 -> 2  leaky_relu +alpha 0  8 parameters\n.*CRC-32C 0x2280a582, verified")
# A checkpoint written by nnact train --checkpoint, then described: 5 epochs
# of the 4 XOR rows in minibatches of 2 are 10 optimizer steps.
add_test(NAME cli_info_train_checkpoint_make
         COMMAND nnact_cli train --hidden 3 --act leaky_relu --opt momentum --epochs 5 --batch 2
                 --checkpoint ${CMAKE_CURRENT_BINARY_DIR}/io_info_train.ckpt)
set_tests_properties(cli_info_train_checkpoint_make PROPERTIES FIXTURES_SETUP io_info_ckpt)
add_test(NAME cli_info_train_checkpoint COMMAND nnact_cli info ${CMAKE_CURRENT_BINARY_DIR}/io_info_train.ckpt)
set_tests_properties(cli_info_train_checkpoint PROPERTIES FIXTURES_REQUIRED io_info_ckpt
  PASS_REGULAR_EXPRESSION "libnnact training checkpoint, format 1[)]\ninputs +2\nlayers +2\n  0    dense 2 -> 3  leaky_relu +alpha 0[.]01  9 parameters\n  1    dense 3 -> 1  identity +4 parameters\noutputs +1\nparameters +13\noptimizer +momentum, 10 steps taken\nepochs done +5\n.*checksum +CRC-32C 0x[0-9a-f]+, verified")
add_test(NAME cli_info_file_bad COMMAND nnact_cli info /dev/zero)
set_tests_properties(cli_info_file_bad PROPERTIES WILL_FAIL TRUE)
# The demo saves the ReLU XOR network its part 2 trained (2-8-1 with biases:
# 24 + 16 + 2*32 + (2*8+8 + 8*1+1)*8 + 4 = 372 bytes) and loads it back: every
# row must come back with the same bits and still round to XOR's 0 1 1 0.
add_test(NAME cli_demo_save_reload COMMAND nnact_cli demo)
set_tests_properties(cli_demo_save_reload PROPERTIES
  PASS_REGULAR_EXPRESSION "[(]372-byte model file,\n[^\n]*\n[^\n]*\n  0  0 [^\n]* same bits: yes  rounds to 0\n  0  1 [^\n]* same bits: yes  rounds to 1\n  1  0 [^\n]* same bits: yes  rounds to 1\n  1  1 [^\n]* same bits: yes  rounds to 0\n"
  FAIL_REGULAR_EXPRESSION "same bits: NO")
nnact_add_test(test_io_checkpoint test_io_checkpoint.c)
nnact_add_test(test_io_resume test_io_resume.c)
# A version-2 model (tests/gen_io_fixtures.py): its input scaling and class
# names, the tab in a name shown escaped.
add_test(NAME cli_info_prep_fixture COMMAND nnact_cli info ${CMAKE_CURRENT_SOURCE_DIR}/data/io_prep.nnm)
set_tests_properties(cli_info_prep_fixture PROPERTIES
  PASS_REGULAR_EXPRESSION "452 bytes, libnnact model, format 2[)]\n.*parameters +31\nscaling +[(]x - shift[)] / scale on each of the 3 inputs\nclasses +3: setosa, versi\\\\tcolor, virg..nica\nchecksum +CRC-32C 0xea270a12, verified")
# All four members of the section (tests/gen_io_fixtures.py): the existing
# lines as before, then the input names (cut to the line) and the target.
add_test(NAME cli_info_names_fixture COMMAND nnact_cli info ${CMAKE_CURRENT_SOURCE_DIR}/data/io_prep_names.nnm)
set_tests_properties(cli_info_names_fixture PROPERTIES
  PASS_REGULAR_EXPRESSION "756 bytes, libnnact model, format 2[)]\ninputs +3\n.*parameters +31\nscaling +[(]x - shift[)] / scale on each of the 3 inputs\nclasses +3: setosa, versi\\\\tcolor, virg..nica\ninput names +3: sepal length, p,w.., [.][.][.] [(]1 more[)]\ntargets +1: species\nchecksum +CRC-32C 0x54b0090f, verified")
