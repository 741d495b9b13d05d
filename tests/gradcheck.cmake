nnact_add_test(test_gradcheck test_gradcheck.c)
