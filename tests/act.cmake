nnact_add_test(test_act_basic test_act_basic.c)
nnact_add_test(test_act_accuracy test_act_accuracy.c)
# the same measurements on the portable (non-vector) path
add_test(NAME test_act_accuracy_portable COMMAND test_act_accuracy)
set_tests_properties(test_act_accuracy_portable PROPERTIES ENVIRONMENT "NNACT_CPU_MASK=0")
nnact_add_test(test_act_special test_act_special.c)
nnact_add_test(test_act_registry test_act_registry.c)
add_test(NAME test_act_special_portable COMMAND test_act_special)
set_tests_properties(test_act_special_portable PROPERTIES ENVIRONMENT "NNACT_CPU_MASK=0")
