/* cmd_campaign.c — run / validate / help keys: the campaign runner's commands.
 * The campaign runner (issue 3) replaces these with the real ones. */
#include <stdio.h>

#include "commands.h"

int qb_cmd_run(int argc, char **argv) {
  fprintf(stderr, "qbath run: the campaign runner is not part of this build yet\n");
  return 2;
}
int qb_cmd_validate(int argc, char **argv) { return qb_cmd_run(argc, argv); }
int qb_cmd_help(int argc, char **argv) { return qb_cmd_run(argc, argv); }
