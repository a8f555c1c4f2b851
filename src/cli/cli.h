#ifndef SH_CLI_H
#define SH_CLI_H
/*
 * The command line, like Git's builtins: one file per command, one dispatch table
 * in main.c. Exit status (contract.md): 0 success, 1 failure or invalid input
 * (message on stderr), 2 usage error.
 */
#include <getopt.h>
#include "lib/error.h"
#include "lib/shcrypto.h"
#include "store/store.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const struct cli_command cli_commands[];

/* --db, else $SAFEHARBOR_DB, else ./var/safeharbor.db */
const char *cli_db_path(const char *opt);
/* Prints "safeharbor CMD: message" and the usage hint on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints err on stderr as "safeharbor: detail" plus field errors; returns EXIT_FAIL. */
int cli_fail(const struct sh_error *err);
/* Opens an existing database (applying pending migrations) with the key file beside it,
 * which keys the audit chain. */
enum sh_code cli_open_store(const char *db, struct store **out, struct sh_error *err);
/* Loads the key file beside db (release with shcrypto_keys_release). */
enum sh_code cli_load_keys(const char *db, struct shcrypto_keys *keys, struct sh_error *err);
/*
 * Parses options with getopt_long. Handles --help (prints usage, returns 0 with
 * *done set) and unknown options (returns EXIT_USAGE with *done set).
 * Returns the option character otherwise, -1 at the end.
 */
int cli_getopt(int argc, char **argv, const struct option *opts, const char *usage, bool *done,
	       int *exit_code);

/*
 * For commands with subcommands ("agency add ..."): checks argv[1] against subs
 * (NULL-terminated) and shifts argc/argv past it, so argv[0] is the subcommand.
 * "CMD --help" prints the usage. Returns the subcommand, or NULL with *exit_code
 * set (0 after --help, EXIT_USAGE for a missing or unknown subcommand).
 */
const char *cli_subcommand(int *argc, char ***argv, const char *const *subs, const char *usage,
			   int *exit_code);
/* Reads one line from stdin without its newline; -1 when there is none. */
int cli_read_secret(char *buf, size_t size);
/* The user (agency) named `name`; SH_EINVAL "no user named 'x'" when there is none. */
enum sh_code cli_find_user(struct store *s, const char *name, struct arena *a, struct user_rec *u,
			   struct sh_error *err);
enum sh_code cli_find_agency(struct store *s, const char *name, struct arena *a,
			     struct agency_rec *ag, struct sh_error *err);

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_protocol(int argc, char **argv);
int cmd_agency(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_roster(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
