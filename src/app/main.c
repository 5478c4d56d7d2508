/* main.c — the qbath command line: dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cmd.h"

typedef struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} command;

static const command commands[] = {
    {"run", qb_cmd_run, "run a campaign from an input file"},
    {"validate", qb_cmd_validate, "check an input file and print the expanded sweep"},
    {"help", qb_cmd_help_topics, "this text; 'help COMMAND', 'help models', 'help observables', "
                                 "'help keys [MODEL]', 'help --man'"},
    {"info", qb_cmd_info, "version, git commit, build type, library versions, threads"},
    {"bench", qb_cmd_bench, "benchmarks: 'bench spmv'"},
    {"quickstart", qb_cmd_quickstart, "the built-in quick start (scripts/run.sh)"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f) {
  fprintf(f,
          "qbath — quantum systems coupled to finite baths\n\n"
          "usage: qbath COMMAND [options]\n\ncommands:\n");
  for (int i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n'qbath COMMAND --help' describes a command; 'qbath --version' the version.\n");
}

int main(int argc, char **argv) {
#ifdef __GLIBC__
  /* Blocks of 1 MiB and more (matrices, workspaces, state vectors) come from mmap and go
   * back to the system when freed. glibc otherwise raises this threshold after the first
   * such free, and realizations on several threads then leave freed matrices resident in
   * their arenas: random_matrix GSE N = 400 held 106 MB after 14 realizations on 2 threads
   * for 40 MB live, so that no memory estimate (run --dry-run, [run] memory_limit) could
   * match the resident peak. The cost, fresh pages per large block, is small next to the
   * work done on such a block. */
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) return qb_cmd_version();
  if (!strcmp(argv[1], "help") && argc == 2) {
    usage(stdout);
    return 0;
  }
  /* qbath COMMAND --help: the command's long help from cmd_help.c's table */
  if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) &&
      qb_cmd_help_command(argv[1]))
    return 0;
  for (int i = 0; i < NCOMMANDS; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "qbath: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
