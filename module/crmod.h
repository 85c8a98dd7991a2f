/* SPDX-License-Identifier: GPL-2.0 */
/* crmod: declarations shared between the module's files. */
#ifndef CRMOD_H
#define CRMOD_H

#include <linux/crmod.h>

/* resolver.c */
int crmod_resolve_symbols(void);

/* machine.c */
void crmod_describe_machine(struct crmod_machine *m);

/* arch/<arch>/machine.c: fills m->arch and the arch part of m. */
void crmod_arch_describe_machine(struct crmod_machine *m);

#endif /* CRMOD_H */
