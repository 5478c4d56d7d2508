/* registry.c — the table of models: the one place the runner learns model names.
 * To add a model: define `const qb_model qb_model_NAME` in src/models/NAME.c and add
 * it to the two lists below. Models that are not for users (the runner's test model,
 * in tests/) come in as a caller's `extra` table instead. */
#include <string.h>

#include "qbath/campaign.h"

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

const qb_model *qb_campaign_model_at(const qb_model *const *extra, int i) {
  enum { NBUILTIN = sizeof registry / sizeof registry[0] - 1 };
  if (i < 0) return NULL;
  if (i < NBUILTIN) return registry[i];
  for (i -= NBUILTIN; extra && *extra; extra++, i--)
    if (i == 0) return *extra;
  return NULL;
}

const qb_model *qb_campaign_model_find(const qb_model *const *extra, const char *name) {
  const qb_model *m;
  for (int i = 0; (m = qb_campaign_model_at(extra, i)); i++)
    if (!strcmp(m->name, name)) return m;
  return NULL;
}
