/* report_workers: see report_workers.h. A child reports a failure through
 * a pipe of its own (its err text) and its exit status; the parent reads
 * the pipes as they come, with poll() so that it can show progress
 * meanwhile, each to its end, then reaps the children. */
#include "report_workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"

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

/* A worker as the parent sees it: its pipe, read as it comes (a failing
 * worker's reason), until it closes with the worker. */
struct child {
	pid_t pid;
	int in;           /* -1 once at its end */
	char msg[1024];
	size_t len;
};

/* Reads what child c has to say now; closes its pipe at its end. */
static void read_child(struct child *c)
{
	ssize_t r = read(c->in, c->msg + c->len, sizeof c->msg - 1 - c->len);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r > 0)
		c->len += (size_t)r;
	/* A full buffer: the rest of a reason is not worth waiting for. */
	if (r <= 0 || c->len == sizeof c->msg - 1) {
		close(c->in);
		c->in = -1;
	}
}

/* Reads every pipe to its end, waking at least every 50 ms for tick (which
 * decides whether a line is due). */
static void read_children(struct child *c, int n, void (*tick)(void *), void *tick_arg)
{
	struct pollfd fds[MAX_WORKERS];
	for (;;) {
		int open = 0;
		for (int k = 0; k < n; k++) {
			if (c[k].in >= 0)
				fds[open++] = (struct pollfd){.fd = c[k].in, .events = POLLIN};
		}
		if (open == 0)
			return;
		int ready = poll(fds, (nfds_t)open, tick ? 50 : -1);
		if (tick)
			tick(tick_arg);
		if (ready < 0 && errno != EINTR)
			return; /* cannot happen with valid fds; the reaping still waits */
		for (int i = 0; ready > 0 && i < open; i++) {
			if (!fds[i].revents)
				continue;
			for (int k = 0; k < n; k++) {
				if (c[k].in == fds[i].fd) {
					read_child(&c[k]);
					break;
				}
			}
		}
	}
}

/* The child's exit; 0 when it succeeded. */
static int reap(int k, struct child *c, char *err, size_t errlen)
{
	if (c->in >= 0)
		close(c->in);
	c->msg[c->len] = '\0';
	int status;
	while (waitpid(c->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "worker %d: %s", k, strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (c->len > 0)
		snprintf(err, errlen, "%s", c->msg);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "worker %d: killed by signal %d", k, WTERMSIG(status));
	else
		snprintf(err, errlen, "worker %d: exit status %d", k, WEXITSTATUS(status));
	return -1;
}

int report_workers_run(int n, report_worker_fn fn, void *arg, void (*tick)(void *),
                       void *tick_arg, char *err, size_t errlen)
{
	if (n < 1 || n > MAX_WORKERS) {
		snprintf(err, errlen, "%d workers: 1 to %d", n, MAX_WORKERS);
		return -1;
	}
	struct child c[MAX_WORKERS];
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
		pid_t pid = fork();
		if (pid < 0) {
			snprintf(err, errlen, "starting worker %d: %s", started, strerror(errno));
			close(fds[0]);
			close(fds[1]);
			rc = -1;
			break;
		}
		if (pid == 0) {
			close(fds[0]);
			run_child(started, n, fn, arg, fds[1]);
		}
		/* Only the child writes: its end of the pipe closes with it. */
		close(fds[1]);
		c[started] = (struct child){.pid = pid, .in = fds[0]};
	}
	read_children(c, started, tick, tick_arg);
	for (int k = 0; k < started; k++) {
		char why[1024];
		if (reap(k, &c[k], why, sizeof why) != 0 && rc == 0) {
			snprintf(err, errlen, "%s", why);
			rc = -1;
		}
	}
	return rc;
}

/* ---- progress ---------------------------------------------------------- */

struct report_progress {
	uint64_t pages;               /* written: atomic adds, from any process */
	uint64_t total;
	pid_t maker;                  /* the one process that shows the line */
	struct progress_meter meter;  /* the maker's alone */
};

struct report_progress *report_progress_new(uint64_t total, FILE *out)
{
	/* Shared, not copied, by the workers forked after: their counts are
	 * the parent's to read. */
	void *mem = mmap(NULL, sizeof(struct report_progress), PROT_READ | PROT_WRITE,
	                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	struct report_progress *rp = mem;
	rp->pages = 0;
	rp->total = total;
	rp->maker = getpid();
	progress_start(&rp->meter, out);
	return rp;
}

void report_progress_page(void *arg)
{
	struct report_progress *rp = arg;
	if (!rp)
		return;
	__atomic_add_fetch(&rp->pages, 1, __ATOMIC_RELAXED);
	report_progress_tick(rp);
}

void report_progress_tick(void *arg)
{
	struct report_progress *rp = arg;
	if (!rp || getpid() != rp->maker)
		return;
	uint64_t done = __atomic_load_n(&rp->pages, __ATOMIC_RELAXED);
	if (!progress_due(&rp->meter, done, rp->total))
		return;
	progress_show(&rp->meter, (struct progress_view){
		.what = "report", .unit = PROGRESS_COUNT, .noun = "pages",
		.done = done, .total = rp->total});
}

void report_progress_free(struct report_progress *rp)
{
	if (!rp)
		return;
	progress_clear(&rp->meter);
	munmap(rp, sizeof *rp);
}
