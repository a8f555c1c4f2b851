#ifndef SH_CLI_H
#define SH_CLI_H
/*
 * The command line, like Git's builtins: one file per command, one dispatch table
 * in main.c. Exit status (contract.md): 0 success, 1 failure or invalid input
 * (message on stderr), 2 usage error.
 */
#include <getopt.h>
#include "lib/conf.h"
#include "lib/error.h"
#include "lib/shcrypto.h"
#include "store/store.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cli_table;
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv); /* NULL: the command is a table (cli_run_table) */
	const char *summary;
	const struct cli_table *table;
};

extern const struct cli_command cli_commands[];
/* Runs command c with argv[0] its name. Returns the exit status. */
int cli_command_run(const struct cli_command *c, int argc, char **argv);

/*
 * Where a command's database, key file and settings come from: the configuration
 * file (--config FILE, else $SAFEHARBOR_CONFIG, else the system one when it exists),
 * then SAFEHARBOR_<KEY> environment variables, then flags (lib/conf.h). Every
 * command that opens the database takes CLI_DB_OPTIONS and hands each option to
 * cli_target_option(); `serve` adds its own flags with CLI_OPT(key).
 */
#define CLI_OPT(key) (0x100 + (int)(key))
#define CLI_OPT_CONFIG 0x1ff
#define CLI_DB_OPTIONS                                                           \
	{ "db", required_argument, NULL, CLI_OPT(CONF_DB) },                     \
		{ "key-file", required_argument, NULL, CLI_OPT(CONF_KEY_FILE) }, \
	{                                                                        \
		"config", required_argument, NULL, CLI_OPT_CONFIG                \
	}

struct cli_target {
	const char *flags[CONF_NKEYS]; /* given on the command line (argv strings) */
	const char *config;	       /* --config FILE */
	struct conf conf;	       /* after cli_target_load */
	bool loaded;
	char *keyfile;	   /* the key file in use (owned) */
	char *checkpoints; /* the audit chain's checkpoints file (owned) */
};

/* Takes option c (a CLI_OPT or CLI_OPT_CONFIG) with its argument; false for others. */
bool cli_target_option(struct cli_target *t, int c, const char *arg);
/* Reads file, environment and flags, in that order; checks every value. */
enum sh_code cli_target_load(struct cli_target *t, struct sh_error *err);
/* The database path (after cli_target_load). */
const char *cli_target_db(const struct cli_target *t);
/* The key file: key_file when set, else beside the database (after cli_target_load). */
const char *cli_target_keyfile(const struct cli_target *t);
/* The checkpoints file of the audit chain (api/checkpoints.h): checkpoints when set,
 * else beside the key file, <key file without .key>.checkpoints (after cli_target_load). */
const char *cli_target_checkpoints(const struct cli_target *t);
void cli_target_release(struct cli_target *t);
/*
 * Loads the configuration when not yet done, then the key file, and opens the database
 * with the audit chain's key derived from it (api/audit.h: appending an audit row needs
 * it), applying pending schema migrations. A database with one pending is first checked
 * against the key file (api/keycheck.h) and copied to <db>.pre-v<N>.bak (N the version
 * it moves to). The key file is required.
 */
enum sh_code cli_open_store(struct cli_target *t, struct store **out, struct sh_error *err);
/* The same, creating the database when absent (init). */
enum sh_code cli_open_store_create(struct cli_target *t, bool create, struct store **out,
				   struct sh_error *err);
/*
 * cli_open_store and cli_load_keys (adopting), then app_open (api/app.h) with the
 * protocol and rules files the configuration names: the app serve, demo and the
 * fuzzers run. Free with app_close() (also after a failure).
 */
struct app;
enum sh_code cli_open_app(struct cli_target *t, struct app *app, struct sh_error *err);
/*
 * Loads the key file and checks that it belongs to the database (api/keycheck.h);
 * adopt: record the check values a database from before them lacks.
 */
enum sh_code cli_load_keys(struct cli_target *t, struct store *s, bool adopt,
			   struct shcrypto_keys *k, struct sh_error *err);
/* cli_open_store, then cli_load_keys: the database with its key file, checked. */
enum sh_code cli_open_keyed(struct cli_target *t, bool adopt, struct store **s,
			    struct shcrypto_keys *k, struct sh_error *err);
/*
 * Closes s (NULL: none), releases k (NULL or empty: none) and t; returns the exit status
 * for rc: EXIT_OK, or cli_fail(err).
 */
int cli_close(struct cli_target *t, struct store *s, struct shcrypto_keys *k, enum sh_code rc,
	      const struct sh_error *err);
/*
 * Copies the database at from into a new file `to` (refused when it exists), shows
 * progress on a terminal, checks the copy and prints what it did unless quiet. Used by
 * backup and before migrations. The check: integrity, and with the keys k (NULL: not
 * checked, audit_checked false) the audit chain, its events and the checkpoints of the
 * file `checkpoints` up to the copy's last row (NULL: none).
 */
struct cli_backup_report {
	int64_t pages, bytes, audit_rows, audit_events;
	size_t checkpoints; /* checkpoints the copy's chain matched */
	double seconds;
	bool audit_checked, audit_keyed;
	char audit_head[65];
};
enum sh_code cli_backup_file(const char *from, const char *to, const struct shcrypto_keys *k,
			     const char *checkpoints, bool quiet, struct cli_backup_report *rep,
			     struct sh_error *err);
/* Prints "\rWHAT: 42% (n of m pages)" on stderr (ctx: the const char *WHAT); for
 * store_copy when stderr is a terminal. */
void cli_progress(void *ctx, int64_t done, int64_t total);
/* Removes path's -wal, -shm and -journal files, and path itself when with_db. */
void cli_remove_db_files(const char *path, bool with_db);
/* Verifies a copy: the integrity check, and with k the audit chain as cli_backup_file
 * says (rows, events, checkpoints and head into rep). */
enum sh_code cli_verify_copy(const char *path, const struct shcrypto_keys *k,
			     const char *checkpoints, struct cli_backup_report *rep,
			     struct sh_error *err);

/* Prints "safeharbor CMD: message" and the usage hint on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints err on stderr as "safeharbor: detail" plus field errors; returns EXIT_FAIL. */
int cli_fail(const struct sh_error *err);
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
/* Takes option c with its argument; 0, or an exit status to stop with (cli_usage_error). */
typedef int cli_option_fn(void *ctx, int c, const char *arg, const char *usage);
/*
 * A command with subcommands as a table ("agency add ...", "user list ..."). cli_run_table
 * takes the subcommand from argv[1], parses the options (cli_parse: table->opts are the
 * command's own, given to table->option with the command's options, a zeroed struct of
 * table->opts_size bytes, wiped after the run), takes one argument after them when the
 * subcommand says so (else refuses it), runs the subcommand's check (0, or an exit
 * status: a usage error), opens the database (with its key file, checked, when the
 * subcommand's keys says so), runs it and closes everything. Returns the exit status. A
 * command without subcommands ("seal --case ...") is a table of one subcommand named "":
 * it is run without a word for it.
 */
struct cli_ctx {
	const char *sub;   /* the subcommand's name */
	const char *arg;   /* its argument (struct cli_sub.arg), NULL when none */
	const char *usage; /* the command's */
	void *opts;	   /* the command's options, filled by table->option */
	struct cli_target t;
	struct store *s;	/* open while run runs */
	struct shcrypto_keys k; /* loaded while run runs when the subcommand wants keys */
	struct arena a;		/* freed after run */
};
enum cli_keys {
	CLI_NO_KEYS,
	CLI_KEYS,	/* the key file, checked against the database (cli_open_keyed) */
	CLI_KEYS_ADOPT, /* the same, recording check values an older database lacks */
};
struct cli_sub {
	const char *name;
	int (*check)(struct cli_ctx *x); /* NULL: nothing to check */
	enum sh_code (*run)(struct cli_ctx *x, struct sh_error *err);
	bool arg; /* takes one argument after the options */
	enum cli_keys keys;
};
struct cli_table {
	const char *usage;
	const struct option *opts;
	cli_option_fn *option;	    /* with the command's opts as ctx; NULL: no own options */
	const struct cli_sub *subs; /* ends with { NULL } */
	size_t opts_size;	    /* the command's options (struct cli_ctx.opts) */
};
int cli_run_table(const struct cli_table *tb, int argc, char **argv);
/* 0 when ok, else the usage error "SUB needs WHAT" (for a cli_sub's check). */
int cli_needs(const struct cli_ctx *x, bool ok, const char *what);
/*
 * The option loop of a command: CLI_DB_OPTIONS, the command's own options (own, at most
 * CLI_MAX_OPTIONS, ending with { 0 }; NULL when none) and --help. CLI_DB_OPTIONS and the
 * CLI_OPT keys go into t, every other option to option(ctx, ...) (NULL when there are
 * none). Leaves optind at the first argument. false, with *code the exit status to stop
 * with, after --help or a usage error.
 */
#define CLI_MAX_OPTIONS 32
bool cli_parse(int argc, char **argv, const struct option *own, const char *usage,
	       struct cli_target *t, cli_option_fn *option, void *ctx, int *code);
/* cli_parse for a command that takes no argument after its options. */
bool cli_args(int argc, char **argv, const struct option *own, const char *usage,
	      struct cli_target *t, cli_option_fn *option, void *ctx, int *code);
/* For a command whose options all go to t and that lists every one of them in opts
 * (CLI_DB_OPTIONS and --help too), and takes no argument after them. */
bool cli_target_args(int argc, char **argv, const struct option *opts, const char *usage,
		     struct cli_target *t, int *code);
/*
 * For commands whose subcommands parse their own options: runs the entry of cmds named
 * argv[1] (cli_subcommand's checks and messages) with argv shifted past the command, so
 * argv[0] is the subcommand. Returns its exit status.
 */
int cli_run_command(int argc, char **argv, const struct cli_command *cmds, const char *usage);
/* Reads one line from stdin without its newline; -1 when there is none. */
int cli_read_secret(char *buf, size_t size);
/* The user (agency) named `name`; SH_EINVAL "no user named 'x'" when there is none. */
enum sh_code cli_find_user(struct store *s, const char *name, struct arena *a, struct user_rec *u,
			   struct sh_error *err);
enum sh_code cli_find_agency(struct store *s, const char *name, struct arena *a,
			     struct agency_rec *ag, struct sh_error *err);

extern const struct cli_table cli_agency, cli_user, cli_token, cli_seal, cli_retention, cli_roster,
	cli_notify, cli_key, cli_audit, cli_transfer_key;
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_protocol(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_settings(int argc, char **argv);
/* Shows and sets database settings (all, or only those starting with prefix). */
int cli_settings(int argc, char **argv, const char *prefix, const char *usage);
int cmd_config(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_migrate(int argc, char **argv);

#endif
