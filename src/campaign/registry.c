/* registry.c — the table of models: the one place the runner learns model names.
 * To add a model: define `const qb_model qb_model_NAME` in src/models/NAME.c and add
 * it to the two lists below. */
#include <string.h>

#include "qbath/campaign.h"

extern const qb_model qb_model_toy;
extern const qb_model qb_model_random_matrix;
extern const qb_model qb_model_spin_chain;
extern const qb_model qb_model_matrix_market;
extern const qb_model qb_model_hubbard_bubble;
extern const qb_model qb_model_linewidth_mft;
extern const qb_model qb_model_level_dot;
extern const qb_model qb_model_two_dot;
extern const qb_model qb_model_grain_spins;
extern const qb_model qb_model_emft_chain;
extern const qb_model qb_model_emft_lattice;

static const qb_model *const registry[] = {
    &qb_model_toy,
    &qb_model_random_matrix,
    &qb_model_spin_chain,
    &qb_model_matrix_market,
    &qb_model_hubbard_bubble,
    &qb_model_linewidth_mft,
    &qb_model_level_dot,
    &qb_model_two_dot,
    &qb_model_grain_spins,
    &qb_model_emft_chain,
    &qb_model_emft_lattice,
    NULL,
};

const qb_model *const *qb_campaign_registry(void) { return registry; }

const qb_model *qb_campaign_model_find(const char *name) {
  for (const qb_model *const *m = registry; *m; m++)
    if (!strcmp((*m)->name, name)) return *m;
  return NULL;
}
