/* emft_common.h — keys and setup shared by the emft_chain and emft_lattice models: the
 * p_g shape, the eta table and the mean-field options ([emft] section). */
#ifndef QBATH_MODELS_EMFT_COMMON_H
#define QBATH_MODELS_EMFT_COMMON_H

#include "qbath/emft.h"
#include "qbath/model.h"

extern const qb_key qb_emft_keys[];

/* The eta table and mean-field options from the [emft] keys. The table depends on the
 * [emft] keys only, not on the sweep point, so the last one built is kept and handed to
 * the next point with the same keys (a campaign sweeping W, R or g0 builds it once).
 * Points are created one at a time (campaign/run.c); release with qb_emft_common_release. */
qb_status qb_emft_common_setup(const qb_params *p, qb_emft_table **table, qb_emft_mf_opts *o,
                        qb_err *err);
void qb_emft_common_release(qb_emft_table *table);

#endif
