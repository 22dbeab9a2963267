#define _GNU_SOURCE
#include "energy_host_support.h"

#include <signal.h>
#include <sys/prctl.h>

int ehs_die_with_parent(void) { return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); }

int ehs_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
