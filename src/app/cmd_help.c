/* cmd_help.c — the CLI's own documentation, kept in tables: `qbath --version`,
 * `qbath help [COMMAND | models | observables | keys [MODEL] | --man]`, `qbath COMMAND
 * --help`. The man page (docs/qbath.1, scripts/gen_man.sh) is `qbath help --man`: the same
 * tables as roff, so the terminal help and the man page never disagree. */
#include <stdio.h>
#include <string.h>

#include "app_extra.h"
#include "cmd.h"
#include "qbath/campaign.h"
#include "qbath/model.h"
#include "qbath_build_info.h"

typedef struct {
  const char *flag, *meaning;
} option;

typedef struct {
  const char *name;     /* the subcommand */
  const char *usage;    /* its synopsis */
  const char *what;     /* a paragraph */
  option opts[10];      /* NULL-terminated */
} command_help;

static const command_help commands[] = {
    {"run",
     "qbath run [--dry-run] [--resume] [--quiet] [--threads T] [--set section.key=value]... FILE",
     "Runs the campaign of the input file FILE: every sweep point times [run] realizations, "
     "results into the HDF5 file of [output] file. Finished realizations go to FILE.journal "
     "as they finish, so a killed run continues with --resume. Exit status 0 on success, "
     "1 when a computation fails, 2 for bad usage or bad input (the message names file, line "
     "and key).",
     {{"--dry-run", "print the sweep points and the memory and time estimates, compute nothing"},
      {"--resume", "continue a killed run from its journal (finished realizations are kept)"},
      {"--quiet", "no progress lines"},
      {"--threads T", "OpenMP threads (results never depend on it)"},
      {"--set section.key=value", "override one input key (repeatable), e.g. --set model.L=14"},
      {NULL, NULL}}},
    {"validate",
     "qbath validate [--set section.key=value]... FILE",
     "Checks every key of FILE (types, ranges, combinations, files it names) and prints the "
     "expanded sweep with the memory and time estimates; writes nothing.",
     {{"--set section.key=value", "override one input key (repeatable)"}, {NULL, NULL}}},
    {"help",
     "qbath help [COMMAND | models | observables | keys [--markdown] [MODEL] | --man]",
     "Describes a command, lists the models or the observables, or lists every input key "
     "(type, default, range, unit, meaning) of the runner and of one model or all.",
     {{"models", "the [model] types, one line each"},
      {"observables", "what the result files hold, by model"},
      {"keys [MODEL]", "the input keys (docs/input-reference.md is this, as Markdown)"},
      {"--man", "this help as a man page (roff), as in docs/qbath.1"},
      {NULL, NULL}}},
    {"info",
     "qbath info",
     "Version, git commit, build type and flags, library versions (OpenBLAS, UMFPACK, FFTW, "
     "HDF5), OpenMP threads.",
     {{NULL, NULL}}},
    {"bench",
     "qbath bench NAME [options]",
     "Benchmarks: spmv, runner, eigs, evolve, fgr, grain ('qbath bench' lists them); each "
     "prints ratios measured in one run.",
     {{NULL, NULL}}},
    {"quickstart",
     "qbath quickstart",
     "The built-in quick start (scripts/run.sh): Fermi's Golden Rule and its breakdown, "
     "Fig. 2(a) and (d) of Micklitz et al., PRL 129, 140402 (2022), in about a minute.",
     {{NULL, NULL}}},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

typedef struct {
  const char *name, *models, *when, *what;
} observable;

/* The generic models' result columns (rows/NAME; docs/user-data.md, docs/eigen.md,
 * docs/evolve.md); the paper models' columns are listed by `qbath run --dry-run`. */
static const observable observables[] = {
    {"gap_ratio", "spin_chain matrix_market", "[eigen] method != none",
     "mean consecutive-gap ratio <r> (dense: middle [eigen] window; shift-invert: the nev levels)"},
    {"gap_ratio_nev", "spin_chain matrix_market", "[eigen] method != none",
     "<r> over the nev levels nearest the target, the same levels on both eigen paths"},
    {"e_min, e_max", "spin_chain matrix_market", "[eigen] method != none", "spectral bounds"},
    {"s_vn, s_renyi2", "spin_chain", "[eigen] entanglement = true",
     "half-chain entanglement entropies, mean over the nev eigenstates"},
    {"s_vn_state, s_renyi2_state", "spin_chain", "[eigen] entanglement = true",
     "the same per eigenstate (axis state)"},
    {"eigenvalues", "spin_chain matrix_market", "[output] eigenpairs = values | vectors",
     "the nev eigenvalues nearest the target (axis state)"},
    {"eigvec_re, eigvec_im", "spin_chain matrix_market", "[output] eigenpairs = vectors",
     "their eigenvectors, nev x dim"},
    {"NAME_state", "spin_chain", "[observables] NAME = terms",
     "<n|O|n> per eigenstate (axis state)"},
    {"survival", "spin_chain matrix_market random_matrix", "[evolve] observe = survival",
     "|<psi0|psi(t)>|^2 (axis t)"},
    {"survival_eig", "spin_chain matrix_market random_matrix", "[evolve] observe = survival_eig",
     "the same from the eigenpairs, with its weight and infinite-time value"},
    {"expect_NAME", "spin_chain", "[evolve] observe = expect", "<psi(t)|O|psi(t)> (axis t)"},
    {"diag_NAME, diag_weight", "spin_chain", "[evolve] observe = diagonal",
     "diagonal ensemble sum_a |<a|psi0>|^2 <a|O|a>"},
    {"autocorr_re, autocorr_im", "spin_chain", "[evolve] observe = autocorr",
     "Tr[O(t) O]/D by typicality, O = [evolve] operator or sigma^z_site (axis t)"},
    {"spectral", "spin_chain", "[evolve] observe = spectral",
     "its infinite-temperature spectral function (axis w) and sum rule"},
    {"NAME_late", "time-domain models", "a curve on the axis t",
     "mean of the curve over the last quarter of the times (the end-of-run summary)"},
};
enum { NOBS = sizeof observables / sizeof observables[0] };

static const command_help *find_command(const char *name) {
  for (int i = 0; i < NCOMMANDS; i++)
    if (!strcmp(commands[i].name, name)) return &commands[i];
  return NULL;
}

static void print_command(FILE *f, const command_help *c) {
  fprintf(f, "usage: %s\n\n%s\n", c->usage, c->what);
  if (c->opts[0].flag) fprintf(f, "\n");
  for (const option *o = c->opts; o->flag; o++) fprintf(f, "  %-26s %s\n", o->flag, o->meaning);
}

int qb_cmd_help_command(const char *name) {
  const command_help *c = find_command(name);
  if (c == NULL) return 0;
  print_command(stdout, c);
  return 1;
}

static void print_models(FILE *f) {
  const qb_model *m;
  for (int i = 0; (m = qb_campaign_model_at(qb_app_models, i)); i++)
    fprintf(f, "  %-16s %s\n", m->name, m->doc);
  fprintf(f, "\n'qbath help keys MODEL' lists a model's keys.\n");
}

static void print_observables(FILE *f) {
  fprintf(f, "Result columns: points/pNNNNNN/rows/NAME (one row per realization), mean/NAME and "
             "err/NAME.\n\n");
  for (int i = 0; i < NOBS; i++)
    fprintf(f, "  %-26s %s\n  %-26s   models: %s; when: %s\n", observables[i].name,
            observables[i].what, "", observables[i].models, observables[i].when);
  fprintf(f,
          "\nThe paper models' columns: 'qbath run --dry-run FILE'. Details: docs/user-data.md.\n");
}

int qb_cmd_version(void) {
  printf("qbath %s (commit %s)\n", QBATH_VERSION, QBATH_GIT_COMMIT);
  return 0;
}

/* roff text: backslashes and leading dots/quotes escaped. */
static void roff(FILE *f, const char *s) {
  if (*s == '.' || *s == '\'') fputs("\\&", f);
  for (; *s; s++) {
    if (*s == '\\') fputs("\\e", f);
    else if (*s == '-') fputs("\\-", f);
    else fputc(*s, f);
  }
}

static void man_page(FILE *f) {
  fprintf(f, ".TH QBATH 1 \"\" \"qbath %s\" \"User Commands\"\n.SH NAME\nqbath \\- quantum systems "
             "coupled to finite baths\n.SH SYNOPSIS\n.B qbath\n.I COMMAND\n[options]\n"
             ".SH DESCRIPTION\n", QBATH_VERSION);
  fputs("Input-file driven campaigns over disorder realizations: spin chains from Pauli-string "
        "terms, random matrices, your own Matrix Market Hamiltonian, and the models of the "
        "papers on Fermi's Golden Rule and many-body-localization avalanches. Results go to one "
        "HDF5 file per run.\n.SH COMMANDS\n", f);
  for (int i = 0; i < NCOMMANDS; i++) {
    fprintf(f, ".SS %s\n.B ", commands[i].name);
    roff(f, commands[i].usage);
    fputs("\n.PP\n", f);
    roff(f, commands[i].what);
    fputs("\n", f);
    for (const option *o = commands[i].opts; o->flag; o++) {
      fputs(".TP\n.B ", f);
      roff(f, o->flag);
      fputs("\n", f);
      roff(f, o->meaning);
      fputs("\n", f);
    }
  }
  fputs(".SH MODELS\n", f);
  const qb_model *m;
  for (int i = 0; (m = qb_campaign_model_at(qb_app_models, i)); i++) {
    fprintf(f, ".TP\n.B %s\n", m->name);
    roff(f, m->doc);
    fputs("\n", f);
  }
  fputs(".SH OBSERVABLES\n", f);
  for (int i = 0; i < NOBS; i++) {
    fputs(".TP\n.B ", f);
    roff(f, observables[i].name);
    fputs("\n", f);
    roff(f, observables[i].what);
    fputs(" (models: ", f);
    roff(f, observables[i].models);
    fputs("; when: ", f);
    roff(f, observables[i].when);
    fputs(")\n", f);
  }
  fputs(".SH FILES\ndocs/input-reference.md (every key), docs/terms.md (the terms language), "
        "docs/user-data.md (eigenpairs, named operators, initial states), docs/campaign.md "
        "(runs, resume, output).\n.SH EXIT STATUS\n0 success, 1 a computation failed, 2 bad "
        "usage or bad input.\n", f);
}

int qb_cmd_help_topics(int argc, char **argv) {
  if (argc < 2) return -1; /* plain `qbath help`: the caller prints the command list */
  const char *t = argv[1];
  if (!strcmp(t, "keys")) return qb_cmd_help(argc, argv);
  if (!strcmp(t, "models")) return print_models(stdout), 0;
  if (!strcmp(t, "observables")) return print_observables(stdout), 0;
  if (!strcmp(t, "--man")) return man_page(stdout), 0;
  if (qb_cmd_help_command(t)) return 0;
  fprintf(stderr, "qbath help: unknown topic '%s' (commands, models, observables, keys, --man)\n",
          t);
  return 2;
}
