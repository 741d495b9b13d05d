nnact_add_test(test_gradcheck test_gradcheck.c)
# The nnact tool: a passing check exits 0, a bad spec is a usage error (exit 2),
# and a step that vanishes against a parameter is refused, each with its one-line message.
add_test(NAME cli_gradcheck_pass
         COMMAND nnact_cli gradcheck --layers 3,4:tanh,10:relu,1:identity --loss half_sse)
set_tests_properties(cli_gradcheck_pass PROPERTIES PASS_REGULAR_EXPRESSION "PASS \\(tolerance")
add_test(NAME cli_gradcheck_losses
         COMMAND nnact_cli gradcheck --layers 5,8:gelu,6:elu:0.5,3 --loss softmax_ce_index --no-bias)
set_tests_properties(cli_gradcheck_losses PROPERTIES PASS_REGULAR_EXPRESSION "PASS \\(tolerance")
add_test(NAME cli_gradcheck_bad_spec COMMAND nnact_cli gradcheck --layers 3,x:tanh)
set_tests_properties(cli_gradcheck_bad_spec PROPERTIES PASS_REGULAR_EXPRESSION "'x' is not a positive size")
add_test(NAME cli_gradcheck_vanishing_h
         COMMAND nnact_cli gradcheck --layers 3,4:tanh,1 --h 1e-30)
set_tests_properties(cli_gradcheck_vanishing_h PROPERTIES PASS_REGULAR_EXPRESSION "theta \\+ h == theta")
