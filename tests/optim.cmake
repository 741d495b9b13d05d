nnact_add_test(test_optim test_optim.c)
# the update rules' vector path against the portable one, and the library's
# own threads (updates, network backward, training steps) at 1, 2, 3 threads
nnact_add_test(test_optim_vec test_optim_vec.c)
add_test(NAME test_optim_vec_portable COMMAND test_optim_vec)
set_tests_properties(test_optim_vec_portable PROPERTIES ENVIRONMENT "NNACT_CPU_MASK=0")
