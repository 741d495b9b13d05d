# libnnact_mpi under mpirun (registered only when CMake found MPI): every mode
# of tests/test_mpi.c at -np 2 and -np 3 (an odd split of every batch), on this
# machine only (loopback, --oversubscribe: 2 cores), each with a timeout so
# that a hang fails instead of blocking CI. Open MPI refuses to run as root
# without its two variables: they are set for these tests only.
# Sanitizers: Open MPI 4.1 leaves its own allocations unfreed (a bare
# MPI_Init + MPI_Finalize under ASan reports ~120 kB in ~3350 allocations a
# rank), so under NNACT_SANITIZE the MPI tests are not registered (a
# configure message says so) rather than suppressing all of libmpi; memcheck
# excludes them likewise (tests/memcheck/run.sh: valgrind under mpirun
# reports Open MPI, not libnnact). test_fit_dist covers the library's side of
# the extension point with a fake one-process reducer in both.
# NNACT_REQUIRE_MPI (passed by .ci/test for the plain build) turns a missing
# MPI into a configure error, so that CI cannot pass without these tests; the
# test below checks that it does.
add_test(NAME mpi_require_option
         COMMAND ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR} -B ${CMAKE_CURRENT_BINARY_DIR}/require_mpi
                 -DNNACT_REQUIRE_MPI=ON -DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON -DNNACT_BUILD_TESTS=OFF
                 -DNNACT_BUILD_BENCH=OFF)
set_tests_properties(mpi_require_option PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "NNACT_REQUIRE_MPI is ON but no C MPI")
if(NOT TARGET nnact_mpi)
  return()
endif()
if(NNACT_SANITIZE)
  message(STATUS "nnact: MPI tests not registered under -fsanitize (Open MPI leaks at init and exit)")
  return()
endif()

add_executable(test_mpi test_mpi.c ${PROJECT_SOURCE_DIR}/mpi/nnact_mpi.c)
target_include_directories(test_mpi PRIVATE ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_options(test_mpi PRIVATE ${NNACT_WARNINGS})
target_compile_definitions(test_mpi PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(test_mpi PRIVATE nnact_static MPI::MPI_C m)

set(NNACT_MPIRUN ${MPIEXEC_EXECUTABLE} --oversubscribe --mca btl self,vader)
set(NNACT_MPI_ENV "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OPENBLAS_NUM_THREADS=1;OMPI_MCA_rmaps_base_oversubscribe=1")

foreach(np 2 3)
  foreach(mode equal determinism faults)
    add_test(NAME mpi_${mode}_np${np} COMMAND ${NNACT_MPIRUN} -np ${np} $<TARGET_FILE:test_mpi> ${mode})
    set_tests_properties(mpi_${mode}_np${np} PROPERTIES TIMEOUT 60 ENVIRONMENT "${NNACT_MPI_ENV}")
  endforeach()
  # what one rank alone gets wrong: a regression hangs, so a short timeout
  add_test(NAME mpi_agreement_np${np} COMMAND ${NNACT_MPIRUN} -np ${np} $<TARGET_FILE:test_mpi> agreement)
  set_tests_properties(mpi_agreement_np${np} PROPERTIES TIMEOUT 20 ENVIRONMENT "${NNACT_MPI_ENV}")
endforeach()

# nnact_mpi_create before MPI_Init (no mpirun)
add_test(NAME mpi_create_uninit COMMAND test_mpi uninit)
set_tests_properties(mpi_create_uninit PROPERTIES TIMEOUT 20 ENVIRONMENT "${NNACT_MPI_ENV}")

string(REPLACE ";" " " NNACT_MPIRUN_WORDS "${NNACT_MPIRUN}")
# a checkpoint written at 2 ranks, resumed at 3 (tests/mpi_checkpoint.sh)
add_test(NAME mpi_checkpoint_np2_to_np3
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/mpi_checkpoint.sh $<TARGET_FILE:test_mpi> "${NNACT_MPIRUN_WORDS}")
# a rank killed mid-run: mpirun ends within a bounded time, the checkpoint resumes at 3 ranks
add_test(NAME mpi_kill_rank
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/mpi_kill.sh $<TARGET_FILE:test_mpi> "${NNACT_MPIRUN_WORDS}")
# a failure on one rank just before the tool's fit (tests/mpi_cli.sh, LD_PRELOAD)
add_library(mpi_fault_shim MODULE mpi_fault_shim.c)
target_include_directories(mpi_fault_shim PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include)
target_link_libraries(mpi_fault_shim PRIVATE ${CMAKE_DL_LIBS})
# the tool: mpirun nnact train prints what one process prints; a missing file ends every rank
add_test(NAME mpi_cli_train
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/mpi_cli.sh $<TARGET_FILE:nnact_cli> "${NNACT_MPIRUN_WORDS}"
                 ${PROJECT_SOURCE_DIR}/examples/data/iris.csv $<TARGET_FILE:mpi_fault_shim>)
set_tests_properties(mpi_checkpoint_np2_to_np3 mpi_kill_rank mpi_cli_train PROPERTIES
                     TIMEOUT 60 ENVIRONMENT "${NNACT_MPI_ENV}")
