# Dependencies, all from Debian 12 packages, found through their pkg-config
# files. OpenBLAS is named explicitly (openblas.pc, in the openblas-pthread
# directory), never the libblas.so that the alternatives system points at.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(NNACT_OPENBLAS REQUIRED IMPORTED_TARGET openblas)   # libopenblas-dev
pkg_check_modules(NNACT_LAPACKE REQUIRED IMPORTED_TARGET lapacke)     # liblapacke-dev
# SLEEF's 1-ulp AVX2 exp/expm1/log1p/tanh/erfc behind the activation vector
# path (docs/activations.md says why SLEEF rather than own polynomials).
pkg_check_modules(NNACT_SLEEF REQUIRED IMPORTED_TARGET sleef)         # libsleef-dev
if(NNACT_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)     # libcmocka-dev
endif()

find_library(NNACT_LIBM m)

# MPI (optional): libnnact_mpi (mpi/), mpirun nnact train and the MPI tests are
# built only when a C MPI is found (Debian: libopenmpi-dev, openmpi-bin).
find_package(MPI COMPONENTS C QUIET)
if(NNACT_REQUIRE_MPI AND NOT (MPI_C_FOUND AND MPIEXEC_EXECUTABLE))
  message(FATAL_ERROR "nnact: NNACT_REQUIRE_MPI is ON but no C MPI with a launcher was found "
                      "(Debian: apt-get install libopenmpi-dev openmpi-bin)")
endif()
