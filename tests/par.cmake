nnact_add_test(test_par test_par.c)
