nnact_add_test(test_train test_train.c)
nnact_add_test(test_train_resume test_train_resume.c)
nnact_add_test(test_fit_config test_fit_config.c)

# The nnact tool's training face: the demo's XOR table, and nnact train end to end
# (not a terminal under CTest, so plain lines).
add_test(NAME cli_demo_xor COMMAND nnact_cli demo)
set_tests_properties(cli_demo_xor PROPERTIES
  PASS_REGULAR_EXPRESSION "identity +tanh +relu.*final MSE +2\\.500e-01.*rounds to XOR +no +yes +yes")
add_test(NAME cli_train_toy COMMAND nnact_cli train --data toy --hidden 4,10 --act identity
         --loss half_sse --opt sgd --lr 0.001 --epochs 2000 --init xavier_normal --seed 3)
set_tests_properties(cli_train_toy PROPERTIES
  PASS_REGULAR_EXPRESSION "epoch 2000/2000 loss [0-9.e-]+ time.*0 -> -?0\\.0[0-9]*\n +0 -> -?0\\.0[0-9]*\n +1 -> [01]\\.[09][0-9]*\n +1 -> [01]\\.[09]")
add_test(NAME cli_train_bad_batch COMMAND nnact_cli train --batch 9)
set_tests_properties(cli_train_bad_batch PROPERTIES
  PASS_REGULAR_EXPRESSION "note: --batch 9 is larger than the 4 training rows: using 4")

# nnact train --checkpoint/--resume: interrupted and resumed equals uninterrupted, byte for byte.
add_test(NAME cli_train_resume
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_train_resume.sh $<TARGET_FILE:nnact_cli>)
nnact_add_test(test_fit_dist test_fit_dist.c)
