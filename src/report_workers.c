/* report_workers: see report_workers.h. A child reports a failure through
 * a pipe of its own (its err text) and its exit status; the parent reads
 * each pipe to its end, then reaps the child. */
#include "report_workers.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64

/* In the child: run its part, say why it failed, and end (the one place
 * besides main() that ends the process, as a process of its own must). */
static void run_child(int k, int n, report_worker_fn fn, void *arg, int out)
{
	/* A report stopped (timeout, kill) stops its workers too. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	char err[1024] = "";
	int rc = fn(k, n, arg, err, sizeof err);
	if (rc != 0) {
		size_t len = strlen(err);
		if (len == 0)
			len = (size_t)snprintf(err, sizeof err, "failed");
		/* Shorter than PIPE_BUF: written whole or not at all. */
		if (write(out, err, len) < 0)
			rc = -1;
	}
	_exit(rc == 0 ? 0 : 1);
}

/* Everything the child wrote, then its exit; 0 when it succeeded. */
static int reap(int k, pid_t pid, int in, char *err, size_t errlen)
{
	char msg[1024];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(in, msg + len, sizeof msg - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof msg - 1)
			break;
	}
	msg[len] = '\0';
	close(in);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "worker %d: %s", k, strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (len > 0)
		snprintf(err, errlen, "%s", msg);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "worker %d: killed by signal %d", k, WTERMSIG(status));
	else
		snprintf(err, errlen, "worker %d: exit status %d", k, WEXITSTATUS(status));
	return -1;
}

int report_workers_run(int n, report_worker_fn fn, void *arg, char *err, size_t errlen)
{
	if (n < 1 || n > MAX_WORKERS) {
		snprintf(err, errlen, "%d workers: 1 to %d", n, MAX_WORKERS);
		return -1;
	}
	pid_t pid[MAX_WORKERS];
	int in[MAX_WORKERS];
	int started = 0, rc = 0;
	/* Whatever the parent buffered must not be written by every child. */
	fflush(stdout);
	fflush(stderr);
	for (; started < n; started++) {
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) != 0) {
			snprintf(err, errlen, "starting worker %d: %s", started, strerror(errno));
			rc = -1;
			break;
		}
		pid[started] = fork();
		if (pid[started] < 0) {
			snprintf(err, errlen, "starting worker %d: %s", started, strerror(errno));
			close(fds[0]);
			close(fds[1]);
			rc = -1;
			break;
		}
		if (pid[started] == 0) {
			close(fds[0]);
			run_child(started, n, fn, arg, fds[1]);
		}
		/* Only the child writes: its end of the pipe closes with it. */
		close(fds[1]);
		in[started] = fds[0];
	}
	for (int k = 0; k < started; k++) {
		char why[1024];
		if (reap(k, pid[k], in[k], why, sizeof why) != 0 && rc == 0) {
			snprintf(err, errlen, "%s", why);
			rc = -1;
		}
	}
	return rc;
}
