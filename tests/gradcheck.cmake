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
set_tests_properties(cli_gradcheck_bad_spec PROPERTIES
  PASS_REGULAR_EXPRESSION "--layers: layer 1 at offset 2 of \"3,x:tanh\": \"x\" is not a positive size")
# The bench's spelling (nnact_net_from_spec reads both) gives the same network and check.
add_test(NAME cli_gradcheck_dash_spec COMMAND nnact_cli gradcheck --layers 3-4:tanh-1)
set_tests_properties(cli_gradcheck_dash_spec PROPERTIES
  PASS_REGULAR_EXPRESSION "network 3 -> 4 tanh -> 1 identity;.*PASS \\(tolerance")
add_test(NAME cli_gradcheck_comma_spec COMMAND nnact_cli gradcheck --layers 3,4:tanh,1)
set_tests_properties(cli_gradcheck_comma_spec PROPERTIES
  PASS_REGULAR_EXPRESSION "network 3 -> 4 tanh -> 1 identity;.*PASS \\(tolerance")
# The '@' parameter spelling.
add_test(NAME cli_gradcheck_spec_case COMMAND nnact_cli gradcheck --layers 3,4:tanh,2:elu@0.5,1)
set_tests_properties(cli_gradcheck_spec_case PROPERTIES
  PASS_REGULAR_EXPRESSION "network 3 -> 4 tanh -> 2 elu -> 1 identity;.*PASS \\(tolerance")
# Malformed specs: usage errors (exit 2) naming the layer and offset.
foreach(case "zero|3,0,1|layer 1 at offset 2 of \"3,0,1\": a size must be positive"
             "trailing|3,4,|layer 2 at offset 4 of \"3,4,\": a separator must be followed"
             "mixed|3,4-1|layer 1 at offset 3 of \"3,4-1\": '-' after ','"
             "unknown_act|3,4:frobnicate,1|layer 1 at offset 4 .*unknown activation .frobnicate."
             "nolayer|3|input size at offset 1 of \"3\": needs at least one layer"
             "overflow|3,99999999999999999999999,1|layer 1 at offset 2 .*: the size overflows"
             "input_act|3:tanh,1|input size at offset 1 .*: the input size takes no activation"
             "alpha_nan|3,4:elu:nan,1|layer 1 at offset 8 .*not a number")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 spec)
  list(GET parts 2 expect)
  add_test(NAME cli_gradcheck_bad_${name} COMMAND nnact_cli gradcheck --layers ${spec})
  set_tests_properties(cli_gradcheck_bad_${name} PROPERTIES PASS_REGULAR_EXPRESSION "${expect}")
endforeach()
add_test(NAME cli_gradcheck_vanishing_h
         COMMAND nnact_cli gradcheck --layers 3,4:tanh,1 --h 1e-30)
set_tests_properties(cli_gradcheck_vanishing_h PROPERTIES PASS_REGULAR_EXPRESSION "theta \\+ h == theta")
