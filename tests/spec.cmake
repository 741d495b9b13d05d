# spec: the network-spec grammar (nnact_net_from_spec).
nnact_add_test(test_spec test_spec.c)
