nnact_add_test(test_net_basic test_net_basic.c)
