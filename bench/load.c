/*
 * load.c: searches epsearchd over its Unix socket as fast as it answers,
 * from one or more client threads, and reports the latency of each search
 * as the client saw it, connect and read included.
 *
 *   load SOCKET QUERIES CLIENTS ROUNDS [SECONDS]
 *
 * Each client keeps its connection while the daemon allows it (HTTP/1.1
 * keep-alive) and reconnects when an answer says "Connection: close".
 * Every client sends each line of QUERIES ROUNDS times, starting at a
 * different line; with SECONDS, a client stops at that deadline even if
 * its rounds are not done (at least one search each). Prints one line:
 *   searches=N seconds=S per_second=R p50_ms=A p99_ms=B reconnects=C
 * and exits 1 if any search failed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LOAD_REQUEST_MAX 4096
#define LOAD_BUFFER 65536

struct load_client {
	pthread_t thread;
	int index;
	int fd;
	double *latencies; /* ms, one per search */
	size_t count;
	long reconnects;
	int failed;
};

static const char *load_socket;
static char **load_queries;
static size_t load_query_count;
static int load_rounds;
static double load_deadline_ms; /* 0: none */

static double
load_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
load_connect(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", load_socket);
	if (fd >= 0 &&
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The request line for a query, its words percent-encoded. */
static int
load_request(char *out, size_t size, const char *query)
{
	static const char hex[] = "0123456789ABCDEF";
	char q[LOAD_REQUEST_MAX / 2];
	size_t n = 0;
	const unsigned char *s;

	for (s = (const unsigned char *)query; *s && n + 4 < sizeof(q); s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-_.~", *s)) {
			q[n++] = (char)*s;
		} else {
			q[n++] = '%';
			q[n++] = hex[*s >> 4];
			q[n++] = hex[*s & 15];
		}
	}
	q[n] = '\0';
	return snprintf(out, size,
			"GET /search?q=%s&limit=10 HTTP/1.1\r\n"
			"Host: localhost\r\n\r\n",
			q);
}

/*
 * Reads one whole answer: the head, then Content-Length bytes of body.
 * Returns 1 when the connection stays open, 0 when the server closes
 * it, -1 on an error or a status other than 200.
 */
static int
load_read_answer(int fd)
{
	char buf[LOAD_BUFFER], *head_end, *p;
	size_t have = 0, need;
	ssize_t n;
	int keep;

	while ((head_end = memmem(buf, have, "\r\n\r\n", 4)) == NULL) {
		n = read(fd, buf + have, sizeof(buf) - have - 1);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	buf[have] = '\0';
	if (strncmp(buf, "HTTP/1.1 200", 12) != 0)
		return -1;
	p = strcasestr(buf, "\r\nContent-Length:");
	if (p == NULL || p > head_end)
		return -1;
	need = strtoul(p + 17, NULL, 10) + (size_t)(head_end + 4 - buf);
	keep = strcasestr(buf, "\r\nConnection: close") == NULL;
	while (have < need) {
		n = read(fd, buf,
			 sizeof(buf) < need - have ? sizeof(buf) : need - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	return keep;
}

/* One search, connecting first if needed. 0, or -1 on failure. */
static int
load_search(struct load_client *c, const char *query)
{
	char req[LOAD_REQUEST_MAX];
	int len = load_request(req, sizeof(req), query), rc;

	if (c->fd < 0) {
		c->fd = load_connect();
		c->reconnects++;
	}
	if (c->fd < 0 || write(c->fd, req, len) != len)
		return -1;
	rc = load_read_answer(c->fd);
	if (rc <= 0) {
		close(c->fd);
		c->fd = -1;
	}
	return rc < 0 ? -1 : 0;
}

static void *
load_client_run(void *arg)
{
	struct load_client *c = arg;
	size_t i, total = load_query_count * (size_t)load_rounds;
	double t0;

	for (i = 0; i < total && !c->failed; i++) {
		t0 = load_now_ms();
		if (i > 0 && load_deadline_ms > 0 && t0 > load_deadline_ms)
			break;
		if (load_search(
			c,
			load_queries[(i + c->index * 7) % load_query_count]) !=
		    0)
			c->failed = 1;
		else
			c->latencies[c->count++] = load_now_ms() - t0;
	}
	if (c->fd >= 0)
		close(c->fd);
	return NULL;
}

/* Reads the non-empty lines of path; exits on failure. */
static void
load_read_queries(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t n;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		n = load_query_count++;
		load_queries =
		    realloc(load_queries, load_query_count * sizeof(char *));
		if (load_queries == NULL || !(load_queries[n] = strdup(line)))
			exit(71);
	}
	fclose(f);
}

static int
load_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct load_client *clients;
	double *all, t0, seconds;
	size_t n = 0, i, per;
	int k, count, failed = 0;
	long reconnects = 0;

	if (argc != 5 && argc != 6) {
		fprintf(
		    stderr,
		    "usage: load SOCKET QUERIES CLIENTS ROUNDS [SECONDS]\n");
		return 64;
	}
	load_socket = argv[1];
	load_read_queries(argv[2]);
	count = atoi(argv[3]);
	load_rounds = atoi(argv[4]);
	if (load_query_count == 0 || count < 1 || load_rounds < 1)
		return 64;
	per = load_query_count * (size_t)load_rounds;
	clients = calloc(count, sizeof(*clients));
	all = malloc(per * count * sizeof(double));
	if (clients == NULL || all == NULL)
		return 71;

	t0 = load_now_ms();
	if (argc == 6)
		load_deadline_ms = t0 + atof(argv[5]) * 1e3;
	for (k = 0; k < count; k++) {
		clients[k] = (struct load_client){
		    .index = k, .fd = -1, .latencies = all + per * k};
		pthread_create(&clients[k].thread, NULL, load_client_run,
			       &clients[k]);
	}
	for (k = 0; k < count; k++) {
		pthread_join(clients[k].thread, NULL);
		failed |= clients[k].failed;
		reconnects += clients[k].reconnects;
	}
	seconds = (load_now_ms() - t0) / 1e3;

	/* Gather the latencies in one run for the percentiles. */
	for (k = 0; k < count; k++)
		for (i = 0; i < clients[k].count; i++)
			all[n++] = clients[k].latencies[i];
	qsort(all, n, sizeof(*all), load_compare);
	printf("searches=%zu seconds=%.3f per_second=%.0f p50_ms=%.3f "
	       "p99_ms=%.3f reconnects=%ld\n",
	       n, seconds, n / seconds, n ? all[n / 2] : 0.0,
	       n ? all[n * 99 / 100] : 0.0, reconnects);
	return failed ? 1 : 0;
}
