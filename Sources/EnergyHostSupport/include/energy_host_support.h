#ifndef ENERGY_HOST_SUPPORT_H
#define ENERGY_HOST_SUPPORT_H

#include <spawn.h>

/* What the host needs from Linux that Swift cannot call directly (variadic or GNU-only C
 * functions). */

/* Asks the kernel to send SIGKILL to the calling process when the thread that started it ends
 * (prctl PR_SET_PDEATHSIG). Returns 0, or -1 with errno set. */
int ehs_die_with_parent(void);

/* Adds to `actions` the closing of every descriptor from `lowest` up in the child
 * (posix_spawn_file_actions_addclosefrom_np, glibc 2.34). Returns 0 or an error number. */
int ehs_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
