/* fuzz/fuzz.h - what every libFuzzer target of pkish shares */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* Once per process: refuses to run with a route off this machine (run
 * under `unshare --net`), makes a private state directory, and starts
 * the parts of pkish that full says (0: crypto only; 1: keystore,
 * trustpool, system config and every command table too). */
void	fz_init(int full);
/* The state directory made by fz_init. */
const char *fz_state(void);
/* A NUL-terminated copy of the input (free()). */
char	*fz_str(const uint8_t *, size_t);

#endif
