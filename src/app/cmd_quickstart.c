/* cmd_quickstart.c — the built-in quick start run by scripts/run.sh with no input. */
#include <stdio.h>
#include "commands.h"
int qb_cmd_quickstart(int argc, char **argv) { puts("quickstart: pending"); return 0; }
