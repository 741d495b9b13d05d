nnact_add_test(test_net_basic test_net_basic.c)
nnact_add_test(test_net_memory test_net_memory.c)
nnact_add_test(test_net_threads test_net_threads.c)
nnact_add_test(test_net_torch test_net_torch.c)
