/* SPDX-License-Identifier: MIT */
/* replay.c — runs a fuzz target's LLVMFuzzerTestOneInput over saved inputs, without libFuzzer:
 * `make check` replays the committed corpus with the normal compiler (and under ASan/UBSan in
 * `make check-asan`). Arguments are files or directories (every regular file in it, not
 * recursive). Fails when it ran no input at all, so a wrong path cannot pass unnoticed. A broken
 * promise in the target abort()s, which fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data;
	long len;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		if (fp)
			fclose(fp);
		return -1;
	}
	/* exactly len bytes, so ASan sees a read past the input */
	data = malloc(len ? (size_t)len : 1);
	if (!data || fread(data, 1, (size_t)len, fp) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(data);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(data, (size_t)len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned runs = 0;
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			runs++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		while ((e = readdir(d))) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
				continue;
			bad |= run_file(path);
			runs++;
		}
		closedir(d);
	}
	printf("%u inputs replayed\n", runs);
	return bad || runs == 0 ? 1 : 0;
}
