# Finds every external dependency of qbath. A missing one stops the configure with a
# message naming the Debian package that provides it (scripts/setup.sh installs them all).

include(FindPackageHandleStandardArgs)

# qb_require_lib(<VAR> <debian-package> HEADER <h> [HEADER_SUFFIXES ...] LIBS <lib>...)
# Defines the imported target qbath::<VAR> from one header and one or more libraries.
function(qb_require_lib name debpkg)
  cmake_parse_arguments(A "" "HEADER" "LIBS;HEADER_SUFFIXES" ${ARGN})
  if(A_HEADER)
    find_path(${name}_INCLUDE_DIR ${A_HEADER} PATH_SUFFIXES ${A_HEADER_SUFFIXES})
    if(NOT ${name}_INCLUDE_DIR)
      message(FATAL_ERROR "qbath: ${name} header '${A_HEADER}' not found. "
                          "Install the Debian package '${debpkg}' (or run scripts/setup.sh).")
    endif()
  endif()
  set(libs)
  foreach(l ${A_LIBS})
    find_library(${name}_${l}_LIBRARY ${l})
    if(NOT ${name}_${l}_LIBRARY)
      message(FATAL_ERROR "qbath: ${name} library '${l}' not found. "
                          "Install the Debian package '${debpkg}' (or run scripts/setup.sh).")
    endif()
    list(APPEND libs ${${name}_${l}_LIBRARY})
  endforeach()
  add_library(qbath::${name} INTERFACE IMPORTED GLOBAL)
  if(A_HEADER)
    set_target_properties(qbath::${name} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${${name}_INCLUDE_DIR}")
  endif()
  if(libs)
    set_target_properties(qbath::${name} PROPERTIES INTERFACE_LINK_LIBRARIES "${libs}")
  endif()
  message(STATUS "qbath: found ${name}: ${${name}_INCLUDE_DIR} ${libs}")
endfunction()

find_package(OpenMP)
if(NOT OpenMP_C_FOUND)
  message(FATAL_ERROR "qbath: OpenMP for C not found. Install the Debian package 'libgomp1' (gcc).")
endif()

# OpenBLAS: CBLAS + the pthread build's headers; LAPACKE comes from liblapacke-dev.
qb_require_lib(OpenBLAS libopenblas-dev HEADER cblas.h
               HEADER_SUFFIXES openblas-pthread x86_64-linux-gnu/openblas-pthread LIBS openblas)
qb_require_lib(LAPACKE liblapacke-dev HEADER lapacke.h LIBS lapacke)
qb_require_lib(SuiteSparse libsuitesparse-dev HEADER umfpack.h HEADER_SUFFIXES suitesparse
               LIBS umfpack cholmod amd colamd suitesparseconfig)
qb_require_lib(ARPACK libarpack2-dev HEADER arpack.h HEADER_SUFFIXES arpack LIBS arpack)
qb_require_lib(FFTW3 libfftw3-dev HEADER fftw3.h LIBS fftw3_omp fftw3)
qb_require_lib(INIH libinih-dev HEADER ini.h LIBS inih)
qb_require_lib(Random123 librandom123-dev HEADER Random123/philox.h)
qb_require_lib(CUnit libcunit1-dev HEADER CUnit/CUnit.h LIBS cunit)

set(HDF5_PREFER_PARALLEL OFF)
find_package(HDF5 COMPONENTS C)
if(NOT HDF5_FOUND)
  message(FATAL_ERROR "qbath: HDF5 (C) not found. Install the Debian package 'libhdf5-dev'.")
endif()
add_library(qbath::HDF5 INTERFACE IMPORTED GLOBAL)
set_target_properties(qbath::HDF5 PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${HDF5_C_INCLUDE_DIRS}"
  INTERFACE_LINK_LIBRARIES "${HDF5_C_LIBRARIES}"
  INTERFACE_COMPILE_DEFINITIONS "${HDF5_C_DEFINITIONS}")

# Optional: MUMPS, the default factorization backend of real symmetric shift-invert
# (src/solve/factor_mumps.c). Found -> linked through qbath::SuiteSparse's interface with
# QBATH_HAVE_MUMPS=1; missing -> the backend reports "unsupported".
# - The ordinary build: sequential MUMPS (Debian libmumps-seq-dev), with its stand-in mpi.h
#   and libmpiseq.
# - The MPI build (QBATH_MPI): Debian's MPI MUMPS (libmumps-dev) on OpenMPI, so that one
#   realization's factorization can be shared by the ranks (QBATH_MUMPS_MPI=1). The
#   sequential one cannot be used there: its stand-in MPI clashes with OpenMPI.
find_path(MUMPS_INCLUDE_DIR dmumps_c.h)
set(qb_mumps_libs)
set(qb_mumps_ok TRUE)
if(QBATH_MPI)
  set(qb_mumps_kind "MPI")
  set(qb_mumps_names dmumps zmumps mumps_common pord)
  set(qb_mumps_pkg libmumps-dev)
  set(qb_mumps_incs "${MUMPS_INCLUDE_DIR}")
else()
  set(qb_mumps_kind "sequential")
  set(qb_mumps_names dmumps_seq zmumps_seq mumps_common_seq pord_seq mpiseq_seq)
  set(qb_mumps_pkg libmumps-seq-dev)
  find_path(MUMPS_SEQ_INCLUDE_DIR mpi.h PATHS /usr/include/mumps_seq NO_DEFAULT_PATH)
  set(qb_mumps_incs "${MUMPS_SEQ_INCLUDE_DIR};${MUMPS_INCLUDE_DIR}")
  if(NOT MUMPS_SEQ_INCLUDE_DIR)
    set(qb_mumps_ok FALSE)
  endif()
endif()
if(NOT MUMPS_INCLUDE_DIR)
  set(qb_mumps_ok FALSE)
endif()
foreach(l ${qb_mumps_names})
  find_library(MUMPS_${l}_LIBRARY ${l})
  if(MUMPS_${l}_LIBRARY)
    list(APPEND qb_mumps_libs ${MUMPS_${l}_LIBRARY})
  else()
    set(qb_mumps_ok FALSE)
  endif()
endforeach()
if(qb_mumps_ok)
  # Its include folder (with the sequential stand-in mpi.h) is seen by factor_mumps.c only.
  set_source_files_properties(${CMAKE_SOURCE_DIR}/src/solve/factor_mumps.c PROPERTIES
                              INCLUDE_DIRECTORIES "${qb_mumps_incs}")
  set_property(TARGET qbath::SuiteSparse APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${qb_mumps_libs})
  set_property(TARGET qbath::SuiteSparse APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS QBATH_HAVE_MUMPS=1)
  if(QBATH_MPI)
    set_property(TARGET qbath::SuiteSparse APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS QBATH_MUMPS_MPI=1)
  endif()
  message(STATUS "qbath: found MUMPS (${qb_mumps_kind}): ${qb_mumps_libs}")
else()
  message(STATUS "qbath: MUMPS (${qb_mumps_kind}) not found, optional (Debian package ${qb_mumps_pkg})")
endif()
