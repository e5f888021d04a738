/* cli_ingest_progress: see cli_ingest_progress.h. */
#include "cli_ingest_progress.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk.h"

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

static bool add_walked(const struct walk_entry *e, void *user)
{
	if (e->kind == WALK_CAPTURE)
		*(uint64_t *)user += file_size(e->path);
	return true;
}

uint64_t ingest_input_bytes(char *const *paths, int n)
{
	uint64_t total = 0;
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0)
			return 0;
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			walk_folder(paths[i], add_walked, &total);
		else
			total += file_size(paths[i]);
	}
	return total;
}

struct ingest_tally *ingest_tally_new(uint64_t total)
{
	void *mem = mmap(NULL, sizeof(struct ingest_tally), PROT_READ | PROT_WRITE,
	                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	struct ingest_tally *t = mem;
	*t = (struct ingest_tally){.total = total};
	return t;
}

void ingest_tally_free(struct ingest_tally *t)
{
	if (t)
		munmap(t, sizeof *t);
}

static void add(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

static void show(struct ingest_watch *w)
{
	const struct ingest_tally *t = w->tally;
	char captures[32], packets[32], detail[4200];
	progress_grouped(get(&t->captures), captures, sizeof captures);
	progress_grouped(get(&t->packets), packets, sizeof packets);
	if (w->workers > 1)
		snprintf(detail, sizeof detail, "%s captures, %s packets (%d workers)", captures,
		         packets, w->workers);
	else
		snprintf(detail, sizeof detail, "%s captures, %s packets; %s", captures, packets,
		         strcmp(w->path, "-") == 0 ? "(stdin)" : w->path);
	progress_show(w->meter, (struct progress_view){
		.what = "ingest", .unit = PROGRESS_BYTES, .done = get(&t->bytes),
		.total = t->total, .detail = detail});
}

static void show_if_due(struct ingest_watch *w)
{
	if (w->meter && progress_due(w->meter, get(&w->tally->bytes), w->tally->total))
		show(w);
}

/* The file read so far counts whole: its unread end was skipped, or is
 * what zlib had not reported yet. */
static void settle_file(struct ingest_watch *w)
{
	if (w->size > w->bytes)
		add(&w->tally->bytes, w->size - w->bytes);
	w->bytes = w->size;
}

static void begin_file(struct ingest_watch *w, const char *path)
{
	settle_file(w);
	snprintf(w->path, sizeof w->path, "%s", path);
	w->size = strcmp(path, "-") == 0 ? 0 : file_size(path);
	w->bytes = 0;
}

void ingest_watch_begin(struct ingest_watch *w, const char *path)
{
	if (!w->tally)
		return;
	begin_file(w, path);
	w->packets = 0;
	show_if_due(w);
}

void ingest_watch_progress(const struct ingest_progress *p, void *watch)
{
	struct ingest_watch *w = watch;
	if (strcmp(p->path, w->path) != 0)
		begin_file(w, p->path); /* the next file of a joined capture */
	/* A file's share never passes its size: its total was counted by it. */
	uint64_t at = w->size && p->bytes_read > w->size ? w->size : p->bytes_read;
	if (w->size && at > w->bytes) {
		add(&w->tally->bytes, at - w->bytes);
		w->bytes = at;
	}
	if (p->packets > w->packets) {
		add(&w->tally->packets, p->packets - w->packets);
		w->packets = p->packets;
	}
	show_if_due(w);
}

void ingest_watch_end(struct ingest_watch *w, const struct ingest_result *r)
{
	if (!w->tally)
		return;
	settle_file(w);
	/* Back or forth to the capture's own count (unsigned: wraps right). */
	add(&w->tally->packets, r->packets - w->packets);
	w->packets = 0;
	if (r->outcome == INGEST_OK || r->outcome == INGEST_PARTIAL)
		add(&w->tally->captures, 1);
}

void ingest_watch_clear(struct ingest_watch *w)
{
	if (w->meter)
		progress_clear(w->meter);
	else if (w->tally && w->tally->line)
		fputs("\r\033[K", stderr); /* the parent's line, from a worker */
}

void ingest_watch_until_closed(struct ingest_watch *w, int fd)
{
	char buf[64];
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ready = poll(&p, 1, w->meter ? 50 : -1);
		show_if_due(w);
		if (ready < 0 && errno != EINTR)
			return;
		if (ready > 0) {
			ssize_t r = read(fd, buf, sizeof buf);
			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				return;
		}
	}
}
