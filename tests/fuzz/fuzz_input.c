/* fuzz_input.c — libFuzzer target for the input-file reader: parse, validate every key,
 * expand the sweep and run each point's model estimate (qb_campaign_load). Any input
 * must give QB_OK or an error status; crashes, leaks, UB and hangs are bugs. */
#include <stdint.h>

#include "fuzz_common.h"
#include "qbath/campaign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_scratch(data, size, ".ini");
  if (path == NULL) return 0;
  qb_campaign *c = NULL;
  qb_err err;
  if (qb_campaign_load(path, 0, NULL, &c, &err) == QB_OK) qb_campaign_free(c);
  return 0;
}
