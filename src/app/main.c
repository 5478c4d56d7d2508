/* main.c — the qbath command line: dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} command;

static const command commands[] = {
    {"run", qb_cmd_run, "run a campaign from an input file"},
    {"validate", qb_cmd_validate, "check an input file and print the expanded sweep"},
    {"help", qb_cmd_help, "this text; 'help keys [MODEL]' lists input keys"},
    {"info", qb_cmd_info, "version, git commit, build type, library versions, threads"},
    {"bench", qb_cmd_bench, "benchmarks: 'bench spmv'"},
    {"quickstart", qb_cmd_quickstart, "the built-in quick start (scripts/run.sh)"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f) {
  fprintf(f,
          "qbath — quantum systems coupled to finite baths\n\n"
          "usage: qbath COMMAND [options]\n\ncommands:\n");
  for (int i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n'qbath COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "help") && argc == 2) {
    usage(stdout);
    return 0;
  }
  for (int i = 0; i < NCOMMANDS; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "qbath: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
