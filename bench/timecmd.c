/* SPDX-License-Identifier: ISC */
/*
 * timecmd.c -- run a command RUNS times (output to /dev/null, no input) and
 * print the median wall-clock time in seconds, the largest peak resident
 * set in kB and the median CPU time (user + system, all threads) in
 * seconds, measured from fork to exit with wait4(): no date(1) or time(1)
 * started inside the timed interval, which added milliseconds to every
 * run of a 20 ms command.  On a shared machine the CPU time is the steadier
 * of the two times.
 *
 * usage: timecmd RUNS COMMAND [ARG...]
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

int
main(int argc, char **argv)
{
	struct timespec	 t0, t1;
	struct rusage	 ru;
	double		*t, *cpu;
	long		 peak = 0;
	int		 runs, i, fd, status;
	pid_t		 pid;

	if (argc < 3 || (runs = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: timecmd RUNS COMMAND [ARG...]\n");
		return (2);
	}
	if ((t = calloc((size_t)runs, sizeof *t)) == NULL ||
	    (cpu = calloc((size_t)runs, sizeof *cpu)) == NULL)
		return (1);
	for (i = 0; i < runs; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((pid = fork()) == -1) {
			perror("fork");
			return (1);
		}
		if (pid == 0) {
			fd = open("/dev/null", O_RDWR);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) == -1) {
			perror("wait4");
			return (1);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		t[i] = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		cpu[i] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	qsort(t, (size_t)runs, sizeof *t, dbl_cmp);
	qsort(cpu, (size_t)runs, sizeof *cpu, dbl_cmp);
	printf("%.4f %ld %.4f\n", t[(runs - 1) / 2], peak, cpu[(runs - 1) / 2]);
	free(t);
	free(cpu);
	return (0);
}
