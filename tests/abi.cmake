# ABI guard: the built .so against the committed baseline. Refresh the baseline
# on purpose with `cmake --build build --target abi-baseline` (docs/ABI.md).
find_program(NNACT_ABIDIFF abidiff)
find_program(NNACT_ABIDW abidw)
set(NNACT_ABI_BASELINE ${CMAKE_CURRENT_SOURCE_DIR}/abi/libnnact.so.1.abi)
if(NNACT_ABIDIFF)
  add_test(NAME abi_compatible
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/abi/check_abi.sh ${NNACT_ABI_BASELINE}
                   $<TARGET_FILE:nnact> ${PROJECT_SOURCE_DIR}/include/nnact)
else()
  message(WARNING "abidiff not found (Debian package abigail-tools): the ABI test is not registered")
endif()
if(NNACT_ABIDW)
  add_custom_target(abi-baseline
    COMMAND ${NNACT_ABIDW} --headers-dir ${PROJECT_SOURCE_DIR}/include/nnact --no-corpus-path
            --out-file ${NNACT_ABI_BASELINE} $<TARGET_FILE:nnact>
    DEPENDS nnact
    COMMENT "Writing the ABI baseline ${NNACT_ABI_BASELINE}")
endif()
