# The module layering: docs/INTERNALS.md's table against the includes of src/
# and bench/ and against NNACT_MODULES (see tests/check_layering.sh).
add_test(NAME layering COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_layering.sh ${PROJECT_SOURCE_DIR})
