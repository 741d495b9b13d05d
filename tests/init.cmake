nnact_add_test(test_init test_init.c)
