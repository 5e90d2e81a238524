/*
 * search.c: one search, from the user's words to the JSON body.
 *
 * A moment matches when all the words occur in its own text, its
 * episode's title or its episode's tags, and at least one of them in its
 * own text: "buildkit cache" finds the caching chapters of the BuildKit
 * episode, while "buildkit" alone finds the episode, not each chapter.
 * Moments are scored by bm25 over those three columns and grouped into
 * episodes, which rank by their best moment; ties go to the newer one.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "search.h"
#include "timestamp.h"

/* Column weights of bm25: the moment's own words count most. */
#define WEIGHT_TEXT "1.0"
#define WEIGHT_TITLE "0.5"
#define WEIGHT_TAGS "0.3"

static const char search_sql[] =
	"SELECT m.id, m.file_id, m.kind, m.start, m.end,"
	" bm25(moment_text, " WEIGHT_TEXT ", " WEIGHT_TITLE ", " WEIGHT_TAGS
	"), e.published"
	" FROM moment_text JOIN moments m ON m.id = moment_text.rowid"
	" JOIN episodes e ON e.file_id = m.file_id"
	" WHERE moment_text MATCH ?1";

static const char text_sql[] =
	"SELECT CASE WHEN ?3 = 0"
	" THEN snippet(moment_text, 0, '', '', '…', 24)"
	" ELSE text END, title FROM moment_text"
	" WHERE moment_text MATCH ?1 AND rowid = ?2";

static const char episode_sql[] =
	"SELECT e.slug, e.title, e.show, e.published, f.path"
	" FROM episodes e JOIN files f ON f.id = e.file_id"
	" WHERE e.file_id = ?1";

static const char *const kind_names[] = {
	[MOMENT_EPISODE] = "episode",
	[MOMENT_CHAPTER] = "chapter",
	[MOMENT_TIMELINE] = "timeline",
};

struct found_moment {
	sqlite3_int64 id;
	int kind;
	long start; /* MOMENT_NO_TIME when NULL */
	long end;
	double score; /* bm25: lower is better */
};

/* One matching episode and its moments, in the order they were met. */
struct found_episode {
	sqlite3_int64 file_id;
	char published[16];
	double best;
	struct found_moment *moments;
	size_t count;
	size_t cap;
};

/* All matching episodes, with an open-addressing map from file id. */
struct found {
	struct found_episode *episodes;
	size_t count;
	size_t cap;
	size_t *slots; /* index + 1 into episodes; 0 is empty */
	size_t slot_count;
};

static int
found_grow_slots(struct found *f)
{
	size_t i, j, n = f->slot_count ? f->slot_count * 2 : 64;
	size_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	for (i = 0; i < f->count; i++) {
		j = (size_t)f->episodes[i].file_id & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(f->slots);
	f->slots = slots;
	f->slot_count = n;
	return 0;
}

/* Finds or adds the episode of file_id; NULL when memory ran out. */
static struct found_episode *
found_episode(struct found *f, sqlite3_int64 file_id)
{
	struct found_episode *grown;
	size_t j;

	if ((f->count + 1) * 2 > f->slot_count && found_grow_slots(f) != 0)
		return NULL;
	j = (size_t)file_id & (f->slot_count - 1);
	for (; f->slots[j]; j = (j + 1) & (f->slot_count - 1))
		if (f->episodes[f->slots[j] - 1].file_id == file_id)
			return &f->episodes[f->slots[j] - 1];

	if (f->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		grown = realloc(f->episodes, f->cap * sizeof(*grown));
		if (grown == NULL)
			return NULL;
		f->episodes = grown;
	}
	f->slots[j] = f->count + 1;
	grown = &f->episodes[f->count++];
	memset(grown, 0, sizeof(*grown));
	grown->file_id = file_id;
	grown->best = INFINITY;
	return grown;
}

static int
episode_add(struct found_episode *ep, const struct found_moment *m)
{
	struct found_moment *grown;

	if (ep->count == ep->cap) {
		ep->cap = ep->cap ? ep->cap * 2 : 8;
		grown = realloc(ep->moments, ep->cap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		ep->moments = grown;
	}
	ep->moments[ep->count++] = *m;
	if (m->score < ep->best)
		ep->best = m->score;
	return 0;
}

static void
found_clear(struct found *f)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		free(f->episodes[i].moments);
	free(f->episodes);
	free(f->slots);
	memset(f, 0, sizeof(*f));
}

static long
column_time(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return MOMENT_NO_TIME;
	return (long)sqlite3_column_int64(stmt, col);
}

/* Reads one result row into the found set. */
static int
found_row(struct found *f, sqlite3_stmt *stmt)
{
	struct found_moment m;
	struct found_episode *ep;
	const char *published;

	m.id = sqlite3_column_int64(stmt, 0);
	m.kind = sqlite3_column_int(stmt, 2);
	m.start = column_time(stmt, 3);
	m.end = column_time(stmt, 4);
	m.score = sqlite3_column_double(stmt, 5);
	ep = found_episode(f, sqlite3_column_int64(stmt, 1));
	if (ep == NULL)
		return -ENOMEM;
	published = (const char *)sqlite3_column_text(stmt, 6);
	if (ep->count == 0 && published)
		snprintf(ep->published, sizeof(ep->published), "%s",
			 published);
	return episode_add(ep, &m);
}

static int
compare_moments(const void *a, const void *b)
{
	const struct found_moment *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Best episode first; on a tie the newer one, then the lower id. */
static int
compare_episodes(const void *a, const void *b)
{
	const struct found_episode *x = a, *y = b;
	int c;

	if (x->best != y->best)
		return x->best < y->best ? -1 : 1;
	c = strcmp(y->published, x->published);
	if (c != 0)
		return c;
	return x->file_id < y->file_id ? -1 : x->file_id > y->file_id;
}

static void
found_sort(struct found *f)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		qsort(f->episodes[i].moments, f->episodes[i].count,
		      sizeof(struct found_moment), compare_moments);
	qsort(f->episodes, f->count, sizeof(struct found_episode),
	      compare_episodes);
}

/* Builds the MATCH expression described at the top of this file. */
static char *
search_expression(const struct query *q)
{
	char *all = query_join(q, "AND"), *any = query_join(q, "OR");
	char *expr = NULL;

	if (all && any && asprintf(&expr,
				   "{text title tags} : (%s) AND text : (%s)",
				   all, any) < 0)
		expr = NULL;
	free(all);
	free(any);
	return expr;
}

static int
search_collect(sqlite3 *db, const char *expr, struct found *f)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(db, search_sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (found_row(f, stmt) != 0)
			break;
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return -ENOMEM;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static json_t *
json_time(long seconds)
{
	return seconds == MOMENT_NO_TIME ? json_null() : json_integer(seconds);
}

static json_t *
json_timestamp(long seconds)
{
	char buf[TIMESTAMP_MAX];

	if (seconds == MOMENT_NO_TIME)
		return json_null();
	return json_string(timestamp_format(seconds, buf));
}

/*
 * The moment's words: its text, or for a whole episode a snippet of its
 * description. An episode's indexed text opens with its title, which the
 * hit already shows, so a snippet that starts there skips it.
 */
static json_t *
moment_text(sqlite3_stmt *stmt, const char *expr, const struct found_moment *m)
{
	const char *text = "", *title;
	size_t n;

	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, m->id);
	sqlite3_bind_int(stmt, 3, m->kind);
	if (sqlite3_step(stmt) != SQLITE_ROW || !sqlite3_column_text(stmt, 0))
		return json_string("");
	text = (const char *)sqlite3_column_text(stmt, 0);
	title = (const char *)sqlite3_column_text(stmt, 1);
	n = title ? strlen(title) : 0;
	if (m->kind == MOMENT_EPISODE && n && strncmp(text, title, n) == 0 &&
	    (text[n] == '\n' || text[n] == ' '))
		text += n + 1;
	return json_stringn_nocheck(text, strlen(text));
}

static json_t *
moment_json(sqlite3_stmt *text_stmt, const char *expr,
	    const struct found_moment *m)
{
	json_t *text = moment_text(text_stmt, expr, m);

	sqlite3_reset(text_stmt);
	return json_pack("{s:o, s:o, s:o, s:s, s:o, s:f}",
			 "start", json_time(m->start),
			 "end", json_time(m->end),
			 "timestamp", json_timestamp(m->start),
			 "kind", kind_names[m->kind],
			 "text", text,
			 "score", round(-m->score * 1000) / 1000);
}

static const char *
column_string(sqlite3_stmt *stmt, int col)
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);

	return s ? s : "";
}

/* The hit object of one episode, without its moments. */
static json_t *
hit_json(sqlite3_stmt *stmt, const struct found_episode *ep)
{
	json_t *hit = NULL;

	sqlite3_bind_int64(stmt, 1, ep->file_id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		hit = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:[]}",
				"slug", column_string(stmt, 0),
				"title", column_string(stmt, 1),
				"show", column_string(stmt, 2),
				"published", column_string(stmt, 3),
				"path", column_string(stmt, 4),
				"score", round(-ep->best * 1000) / 1000,
				"moments");
	sqlite3_reset(stmt);
	return hit;
}

static int
hits_json(sqlite3 *db, const char *expr, const struct found *f,
	  const struct search_request *req, json_t *hits)
{
	sqlite3_stmt *ep_stmt = NULL, *text_stmt = NULL;
	size_t i, j, last;
	json_t *hit;
	int rc = -EIO;

	if (sqlite3_prepare_v2(db, episode_sql, -1, &ep_stmt, NULL) ||
	    sqlite3_prepare_v2(db, text_sql, -1, &text_stmt, NULL))
		goto finalize;
	last = (size_t)req->offset + (size_t)req->limit;
	for (i = (size_t)req->offset; i < f->count && i < last; i++) {
		hit = hit_json(ep_stmt, &f->episodes[i]);
		if (hit == NULL)
			goto finalize;
		for (j = 0; j < f->episodes[i].count &&
			    j < SEARCH_MAX_MOMENTS; j++)
			json_array_append_new(
				json_object_get(hit, "moments"),
				moment_json(text_stmt, expr,
					    &f->episodes[i].moments[j]));
		json_array_append_new(hits, hit);
	}
	rc = 0;
finalize:
	sqlite3_finalize(ep_stmt);
	sqlite3_finalize(text_stmt);
	return rc;
}

/* Sets *errmsg once: the first failure explains the search's. */
static int
search_fail(char **errmsg, int rc, const char *what, sqlite3 *db)
{
	if (errmsg && *errmsg == NULL &&
	    asprintf(errmsg, "%s: %s", what,
		     rc == -ENOMEM ? strerror(ENOMEM) : sqlite3_errmsg(db)) < 0)
		*errmsg = NULL;
	return rc;
}

/* Reads the user's words into q, explaining a refusal in *errmsg. */
static int
search_query(sqlite3 *db, const char *input, struct query *q, char **errmsg)
{
	int rc = query_parse(db, input, q);
	const char *why = NULL;

	if (rc == -EINVAL)
		why = "q: not valid UTF-8";
	else if (rc == -E2BIG)
		why = "q: longer than 32 words or 1024 bytes";
	if (why && errmsg && *errmsg == NULL)
		*errmsg = strdup(why);
	else if (rc != 0)
		search_fail(errmsg, rc, "parse the query", db);
	return rc;
}

int
search_run(struct store *st, const struct search_request *req, json_t **out,
	   char **errmsg)
{
	sqlite3 *db = store_db(st);
	struct query q;
	struct found f = {0};
	char *expr = NULL;
	json_t *hits = json_array();
	int rc;

	*out = NULL;
	if (errmsg)
		*errmsg = NULL;
	rc = search_query(db, req->query, &q, errmsg);
	if (rc != 0)
		goto free_hits;
	expr = search_expression(&q);
	if (q.count && expr == NULL)
		rc = search_fail(errmsg, -ENOMEM, "build the query", db);
	if (expr && rc == 0)
		rc = search_collect(db, expr, &f);
	if (rc == 0) {
		found_sort(&f);
		rc = hits_json(db, expr, &f, req, hits);
	}
	if (rc != 0)
		search_fail(errmsg, rc, "search the index", db);
	else
		*out = json_pack("{s:s, s:I, s:O}", "query", req->query,
				 "total", (json_int_t)f.count, "hits", hits);
	found_clear(&f);
	free(expr);
	query_clear(&q);
free_hits:
	json_decref(hits);
	return rc == 0 && *out == NULL ? -ENOMEM : rc;
}
