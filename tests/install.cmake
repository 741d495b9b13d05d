# Downstream checks: the installed tree, the exported symbols, the headers alone.
set(NNACT_CONSUMER_FLAGS "")
if(NNACT_SANITIZE)
  set(NNACT_CONSUMER_FLAGS "-fsanitize=address,undefined -fno-sanitize-recover=all")
endif()
add_test(NAME install_consumers
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/check_install.sh ${PROJECT_BINARY_DIR}
                 ${PROJECT_SOURCE_DIR} "${NNACT_CONSUMER_FLAGS}")
if(TARGET nnact_mpi) # the installed MPI consumers run under mpirun (tests/mpi.cmake's environment)
  set_tests_properties(install_consumers PROPERTIES
    ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OPENBLAS_NUM_THREADS=1")
endif()
add_test(NAME exported_symbols COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_symbols.sh $<TARGET_FILE:nnact>)
set(NNACT_MPI_HEADER_FLAGS "")
if(TARGET nnact_mpi)
  list(TRANSFORM MPI_C_INCLUDE_DIRS PREPEND "-I" OUTPUT_VARIABLE NNACT_MPI_HEADER_FLAGS)
  string(REPLACE ";" " " NNACT_MPI_HEADER_FLAGS "${NNACT_MPI_HEADER_FLAGS}")
  add_test(NAME exported_symbols_mpi
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_symbols.sh $<TARGET_FILE:nnact_mpi> libnnact_mpi.so.1)
endif()
add_test(NAME public_headers COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_headers.sh ${PROJECT_SOURCE_DIR}/include
         "${NNACT_MPI_HEADER_FLAGS}")
