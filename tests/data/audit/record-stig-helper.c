/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system calls record-stig.sh needs and the shell cannot make: an i386
 * open through int 0x80 from this 64-bit process (arch=40000003 in the
 * record), openat2 (its flags behind a pointer), adjtimex that only reads
 * the clock, and finit_module on a bad descriptor (fails, loads nothing).
 * Built -no-pie so that a path's address fits the i386 ABI's 32 bits.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <unistd.h>

static char path32[4096];

static long open_i386(const char *path, int flags)
{
	long r;

	snprintf(path32, sizeof(path32), "%s", path);
	/* i386 open is 5 */
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(5L), "b"(path32), "c"((long)flags) : "memory");
	if (r >= 0)
		close((int)r);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "i386-open") == 0) {
		printf("i386 open: %ld\n", open_i386(argv[2], O_RDONLY));
	} else if (argc == 3 && strcmp(argv[1], "openat2") == 0) {
		struct open_how how = {.flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0600};
		long r = syscall(SYS_openat2, AT_FDCWD, argv[2], &how, sizeof(how));

		printf("openat2: %ld\n", r);
		if (r >= 0)
			close((int)r);
	} else if (argc == 2 && strcmp(argv[1], "adjtimex") == 0) {
		struct timex tx = {.modes = 0};

		/* the system call itself: glibc's adjtimex() is clock_adjtime */
		printf("adjtimex: %ld\n", syscall(SYS_adjtimex, &tx));
	} else if (argc == 2 && strcmp(argv[1], "finit_module") == 0) {
		printf("finit_module: %ld\n", syscall(SYS_finit_module, -1, "", 0));
	} else {
		return 2;
	}
	return 0;
}
