nnact_add_test(test_train test_train.c)
