/* cmd.h — the qbath CLI's subcommands; each returns the process exit status
 * (0 success, 1 failure of the computation, 2 bad usage or bad input). Only src/app
 * prints and exits. */
#ifndef QBATH_APP_CMD_H
#define QBATH_APP_CMD_H

int qb_cmd_run(int argc, char **argv);        /* qbath run [--dry-run] [--resume] FILE */
int qb_cmd_validate(int argc, char **argv);   /* qbath validate FILE */
int qb_cmd_help(int argc, char **argv);       /* qbath help [keys [MODEL]] */
int qb_cmd_info(int argc, char **argv);       /* qbath info */
int qb_cmd_bench(int argc, char **argv);      /* qbath bench spmv|... (bench.h) */
int qb_cmd_quickstart(int argc, char **argv); /* qbath quickstart (scripts/run.sh) */
/* cmd_help.c: qbath help COMMAND | models | observables | keys | --man (-1: no topic given),
 * qbath --version, and the long help of one command (0 when it has none). */
int qb_cmd_help_topics(int argc, char **argv);
int qb_cmd_version(void);
int qb_cmd_help_command(const char *name);

#endif
