/* api_version.c — the library's version string for the flat C API (qbath/api.h). */
#include "qbath/api.h"
#include "qbath_build_info.h"

const char *qb_api_version(void) { return "qbath " QBATH_VERSION " (commit " QBATH_GIT_COMMIT ")"; }
