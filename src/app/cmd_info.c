/* cmd_info.c — `qbath info`: version, commit, build, library versions, threads. */
#include <fftw3.h>
#include <hdf5.h>
#include <omp.h>
#include <stdio.h>
#include <umfpack.h>

#include "cmd.h"
#include "qbath/factor.h"
#include "qbath_build_info.h"

/* OpenBLAS reports its build (version, core, threading) through this call. */
extern char *openblas_get_config(void);

int qb_cmd_info(int argc, char **argv) {
  unsigned h5maj, h5min, h5rel;
  H5get_libversion(&h5maj, &h5min, &h5rel);
  printf("qbath %s (commit %s)\n", QBATH_VERSION, QBATH_GIT_COMMIT);
  printf("build:      %s, %s, flags '%s', sanitizers %s, MPI %s\n", QBATH_BUILD_TYPE,
         QBATH_C_COMPILER, QBATH_C_FLAGS, QBATH_SANITIZE_ON, QBATH_MPI_ON);
  printf("OpenBLAS:   %s\n", openblas_get_config());
  printf("SuiteSparse UMFPACK %d.%d.%d\n", UMFPACK_MAIN_VERSION, UMFPACK_SUB_VERSION,
         UMFPACK_SUBSUB_VERSION);
  const char *mumps = qb_factor_mumps_version();
  if (mumps) printf("MUMPS:      %s (%s)\n", mumps, qb_factor_mumps_mpi() ? "MPI" : "sequential");
  else printf("MUMPS:      not built in (Debian libmumps-seq-dev)\n");
  printf("shift-invert factor: real symmetric %s, complex Hermitian %s ([eigen] backend)\n",
         mumps ? "MUMPS LDL^T" : "UMFPACK LU", "UMFPACK LU");
  printf("FFTW:       %s\n", fftw_version);
  printf("HDF5:       %u.%u.%u\n", h5maj, h5min, h5rel);
  printf("OpenMP:     spec %d, max threads %d, processors %d\n", _OPENMP,
         omp_get_max_threads(), omp_get_num_procs());
  return 0;
}
