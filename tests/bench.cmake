# nnact-bench: argument errors (exit 2, one line naming the argument), the
# JSON records of a tiny run, and a missing peer reported as missing.
if(TARGET nnact_bench)
  foreach(case
      "suite|nosuite|unknown suite 'nosuite' (suites: limits, act,"
      "suite_option|--suite;foo|unknown suite 'foo' (suites: limits, act,"
      "case|--case;no/such/case|--case: no case matches"
      "net_zero|--net;784-0-10|--net: malformed network spec '784-0-10': layer 1"
      "net_act|--net;4-3:frobnicate|--net: malformed network spec '4-3:frobnicate': layer 1 at offset 4 of \"4-3:frobnicate\": unknown activation"
      "net_text|--net;4-x|--net: malformed network spec '4-x'"
      "net_nolayer|--net;4|--net: malformed network spec '4': input size at offset 1 of \"4\": needs at least one layer"
      "net_trailing|--net;4-3-|--net: malformed network spec '4-3-': layer 2 at offset 4 of \"4-3-\": a separator must be followed by a layer size"
      "net_wide|--net;4-2000000|--net: malformed network spec '4-2000000': layer 1: sizes are at most 1000000 here"
      "repeat_space|--repeat; 3|--repeat: needs a positive integer: ' 3' is not a non-negative integer (digits only)"
      "repeat_junk|--repeat;3x|--repeat: needs a positive integer: '3x' has junk after the number"
      "repeat_huge|--repeat;99999999999999999999999|--repeat: needs a positive integer: '99999999999999999999999' is too large"
      "repeat_zero|--repeat;0|--repeat: needs a positive integer: '0' is outside 1..1000000"
      "repeat_neg|--repeat;-3|--repeat: needs a positive integer: '-3' is not a non-negative integer (digits only)"
      "threads_zero|--threads;0|--threads: needs a positive integer: '0' is outside 1..1024"
      "threads_neg|--threads;-1|--threads: needs a positive integer: '-1' is not a non-negative integer (digits only)"
      "batch_text|--batch;x|--batch: needs a positive integer: 'x' is not a non-negative integer (digits only)"
      "batch_zero|--batch;0|--batch: needs a positive integer: '0' is outside 1..1000000"
      "json_missing|--json|--json: needs a value"
      "option|--frobnicate|--frobnicate: unknown option (see 'nnact-bench --help')")
    string(REPLACE "|" ";" parts "${case}")
    list(GET parts 0 name)
    list(GET parts -1 expect)
    list(REMOVE_AT parts 0)
    list(REMOVE_AT parts -1)
    string(REPLACE ";" "," argv "${parts}")
    add_test(NAME bench_bad_${name}
             COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:nnact_bench> "-DARGS=${argv}"
                     "-DEXPECT=${expect}" -DMODE=bad -P ${CMAKE_CURRENT_SOURCE_DIR}/bench_check.cmake)
  endforeach()
  # The library's grammar in its comma spelling, as nnact gradcheck reads it.
  add_test(NAME bench_net_comma_spec
           COMMAND nnact_bench train --quick --repeat 1 --net 3,4:tanh,1 --case "train/net1/sgd")
  set_tests_properties(bench_net_comma_spec PROPERTIES
    PASS_REGULAR_EXPRESSION "net1/sgd" FAIL_REGULAR_EXPRESSION "CHECK FAILED")
  add_test(NAME bench_json_records
           COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:nnact_bench>
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/bench_small.json -DMODE=json
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/bench_check.cmake)
  add_test(NAME bench_peer_missing
           COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:nnact_bench>
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/bench_peers.json -DMODE=peer_missing
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/bench_check.cmake)
  add_test(NAME bench_peer_failing
           COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:nnact_bench>
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/bench_peers_failing.json -DMODE=peer_failing
                   -DPEERS=${CMAKE_CURRENT_SOURCE_DIR}/data/bench_bad_peers
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/bench_check.cmake)
endif()
