/* emft_common.h — keys and setup shared by the emft_chain and emft_lattice models: the
 * p_g shape, the eta table and the mean-field options ([emft] section). */
#ifndef QBATH_MODELS_EMFT_COMMON_H
#define QBATH_MODELS_EMFT_COMMON_H

#include "qbath/emft.h"
#include "qbath/model.h"

extern const qb_key qb_emft_keys[];

/* The tables of one campaign (qb_model.state_create / state_free of both models): the
 * table depends on the [emft] keys only, not on the sweep point, so each distinct key set
 * is built once and shared by every point until the campaign frees the state. */
typedef struct qb_emft_common_state qb_emft_common_state;
qb_status qb_emft_common_state_create(void **state, qb_err *err);
void qb_emft_common_state_free(void *state);

/* The eta table and mean-field options from the [emft] keys. *table is the campaign
 * state's table (p->model_state), borrowed for the life of the point; without a state it
 * is built for the point, and *own (else NULL) is what the point frees with
 * qb_emft_table_free. */
qb_status qb_emft_common_setup(const qb_params *p, const qb_emft_table **table,
                               qb_emft_table **own, qb_emft_mf_opts *o, qb_err *err);

#endif
