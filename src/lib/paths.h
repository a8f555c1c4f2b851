#ifndef SH_PATHS_H
#define SH_PATHS_H
/*
 * Where an installed safeharbor finds its files. The directories are compiled in
 * (Makefile: PREFIX, SYSCONFDIR; `make install` and `make deb` use the same values),
 * so nothing depends on the working directory. A binary that runs from the source
 * tree's build/ folder (make run, make test) reads the source tree's protocols/
 * instead and no system configuration file.
 */
#include <stdbool.h>
#include <stddef.h>

/* The directory of the protocol, rules and offence files, without a trailing slash:
 * $(PREFIX)/share/safeharbor, or <source tree>/protocols from the build tree. */
void paths_datadir(char *out, size_t size);
/* The configuration file read when none is named: $(SYSCONFDIR)/safeharbor/safeharbor.conf,
 * or "" from the build tree (name one with --config or $SAFEHARBOR_CONFIG there). */
void paths_default_config(char *out, size_t size);
/* True when this binary runs from the source tree's build/ folder. */
bool paths_in_build_tree(void);

#endif
