/* emft_common.h — keys and setup shared by the emft_chain and emft_lattice models: the
 * p_g shape, the eta table and the mean-field options ([emft] section). */
#ifndef QBATH_MODELS_EMFT_COMMON_H
#define QBATH_MODELS_EMFT_COMMON_H

#include "qbath/emft.h"
#include "qbath/model.h"

extern const qb_key qb_emft_keys[];

/* Builds the eta table and mean-field options from the [emft] keys. */
qb_status qb_emft_setup(const qb_params *p, qb_emft_table **table, qb_emft_mf_opts *o,
                        qb_err *err);

#endif
