/*
 * replay.c: a main for the fuzz targets where libFuzzer is not there
 * (gcc builds): runs LLVMFuzzerTestOneInput once on each file named, or
 * on each file of each directory named. Its exit status is 0 only when
 * every input ran; a finding aborts, like under libFuzzer with -runs=0.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads the whole file at path into *data; 0 or -errno. */
static int
replay_read(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		return -errno;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (*data = malloc(n + 1)) == NULL) {
		fclose(f);
		return -EIO;
	}
	*size = fread(*data, 1, n, f);
	fclose(f);
	return 0;
}

static int
replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int rc = replay_read(path, &data, &size);

	if (rc != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* Each regular file of dir, in name order so that runs repeat. */
static int
replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n, i, failed = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			failed |= replay_file(path);
		free(names[i]);
	}
	free(names);
	return failed;
}

int
main(int argc, char **argv)
{
	struct stat sb;
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue; /* libFuzzer's flags, such as -runs=0 */
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			failed |= replay_dir(argv[i]);
		else
			failed |= replay_file(argv[i]);
	}
	return failed;
}
