nnact_add_test(test_act_basic test_act_basic.c)
