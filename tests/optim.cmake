nnact_add_test(test_optim test_optim.c)
