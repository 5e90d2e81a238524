/*
 * fuzz.h: what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput; built with clang it is a libFuzzer binary, and
 * built with replay.c (any compiler) it replays the files it is given.
 */
#ifndef EPSEARCH_FUZZ_H
#define EPSEARCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A broken contract is a finding like a sanitizer's: say which and abort,
 * so that libFuzzer keeps the input as a crash.
 */
#define FUZZ_ASSERT(cond)                                                  \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: contract broken: %s\n",     \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

struct store;

/*
 * The index of the bundled example episodes (EPSEARCH_EXAMPLES), built
 * once per process in a scratch directory that goes at exit, and opened
 * for reading as the daemon's searches read it. Exits the process when
 * it cannot be built: no input is to blame.
 */
struct store *fuzz_index(void);

#endif
