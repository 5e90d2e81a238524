/*
 * search.c: one search, from the user's words to the JSON body.
 *
 * A moment matches when all the words occur in its own text, its
 * episode's title or its episode's tags, and at least one of them in its
 * own text: "buildkit cache" finds the caching chapters of the BuildKit
 * episode, while "buildkit" alone finds the episode, not each chapter.
 *
 * Score: bm25 over those three columns (the moment's own words weigh
 * most), raised by epsearch_fit (rank.c): the more query words in the
 * moment's own text, the better, and better still when they stand there
 * as typed. Moments gather into episodes (hits.c), which rank by their
 * best moment. A query of filters alone lists the matching episodes,
 * newest first.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "hits.h"
#include "markup.h"
#include "query.h"
#include "rank.h"
#include "search.h"
#include "suggest.h"
#include "timestamp.h"

/* Column weights of bm25, and how much a good fit multiplies it. */
#define WEIGHT_TEXT "1.0"
#define WEIGHT_TITLE "0.5"
#define WEIGHT_TAGS "0.3"
#define FIT_BOOST "1.0"

/* The longest snippet of a description when no word of it matched. */
#define LEAD_BYTES 160

/* ?2 .. ?6 are the filters: show, tech, guest, after, before. */
#define FILTERS_SQL                                                            \
	" AND (?2 IS NULL OR epsearch_squash(e.show) = epsearch_squash(?2))"   \
	" AND (?3 IS NULL OR instr(char(10) ||"                                \
	" epsearch_squash(e.technologies) || char(10),"                        \
	" char(10) || epsearch_squash(?3) || char(10)) > 0)"                   \
	" AND (?4 IS NULL OR"                                                  \
	" instr(epsearch_squash(e.guests), epsearch_squash(?4)) > 0)"          \
	" AND (?5 IS NULL OR e.published >= ?5)"                               \
	" AND (?6 IS NULL OR (e.published <> '' AND e.published < ?6))"

static const char match_sql[] =
    "SELECT m.id, m.file_id, m.kind, m.start, m.end,"
    " bm25(moment_text, " WEIGHT_TEXT ", " WEIGHT_TITLE ", " WEIGHT_TAGS
    ") * (1 + " FIT_BOOST " * epsearch_fit(moment_text, ?7)),"
    " e.published"
    " FROM moment_text JOIN moments m ON m.id = moment_text.rowid"
    " JOIN episodes e ON e.file_id = m.file_id"
    " WHERE moment_text MATCH ?1" FILTERS_SQL;

static const char browse_sql[] =
    "SELECT m.id, m.file_id, m.kind, m.start, m.end, 0.0, e.published"
    " FROM moments m JOIN episodes e ON e.file_id = m.file_id"
    " WHERE m.kind = 0 AND ?1 IS NULL" FILTERS_SQL;

/* A moment's words, and its episode's title. */
static const char text_sql[] =
    "SELECT text, title FROM moment_text WHERE rowid = ?1";

static const char episode_sql[] =
    "SELECT e.slug, e.title, e.show, e.published, f.path,"
    " (SELECT id FROM moments WHERE file_id = e.file_id AND kind = 0)"
    " FROM episodes e JOIN files f ON f.id = e.file_id"
    " WHERE e.file_id = ?1";

static const char *const kind_names[] = {"episode", "chapter", "timeline"};

/* The statements and expressions of one search's answer. */
struct answer {
	sqlite3 *db;
	const char *expr;	  /* the MATCH expression, NULL when browsing */
	struct highlighter marks; /* the query's words, to mark */
	sqlite3_stmt *text;	  /* text_sql */
	sqlite3_stmt *episode;	  /* episode_sql */
};

/* epsearch_squash(x): x lowercased with ASCII punctuation and spaces
 * dropped, newlines kept, so "Rawkode Live" equals "rawkode-live". */
static void
squash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	char *out, *p;

	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	out = p = sqlite3_malloc(sqlite3_value_bytes(argv[0]) + 1);
	if (out == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (; *s; s++)
		if (*s >= 0x80 || isalnum(*s) || *s == '\n')
			*p++ = (char)tolower(*s);
	*p = '\0';
	sqlite3_result_text(ctx, out, (int)(p - out), sqlite3_free);
}

int
search_attach(struct store *st)
{
	sqlite3 *db = store_db(st);
	int rc = rank_register(db);

	if (rc != 0)
		return rc;
	rc = sqlite3_create_function(db, "epsearch_squash", 1,
				     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				     squash_fn, NULL, NULL);
	return rc == SQLITE_OK ? 0 : -ENOMEM;
}

static long
column_time(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return MOMENT_NO_TIME;
	return (long)sqlite3_column_int64(stmt, col);
}

static void
bind_filters(sqlite3_stmt *stmt, const struct query_filters *f)
{
	sqlite3_bind_text(stmt, 2, f->show, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, f->tech, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, f->guest, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, f->after, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, f->before, -1, SQLITE_STATIC);
}

/* Reads every matching moment into h. */
static int
search_collect(sqlite3 *db, const char *expr, const struct query *q,
	       struct hits *h)
{
	struct hit_moment m;
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(db, expr ? match_sql : browse_sql, -1, &stmt,
				NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	bind_filters(stmt, &q->filters);
	if (expr)
		sqlite3_bind_int(stmt, 7, (int)q->count);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		m.id = sqlite3_column_int64(stmt, 0);
		m.kind = sqlite3_column_int(stmt, 2);
		m.start = column_time(stmt, 3);
		m.end = column_time(stmt, 4);
		m.score = sqlite3_column_double(stmt, 5);
		if (hits_add(h, sqlite3_column_int64(stmt, 1),
			     (const char *)sqlite3_column_text(stmt, 6),
			     &m) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return -ENOMEM;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/*
 * The words that must all match: every phrase ANDed, or with some set,
 * any way of leaving one out ("(a AND b) OR (a AND c) OR (b AND c)").
 */
static char *
required_words(const struct query *q, int some)
{
	char *s = NULL;
	size_t n = 0, i, j;
	FILE *f;

	if (!some)
		return query_join(q, "AND");
	f = open_memstream(&s, &n);
	if (f == NULL)
		return NULL;
	for (i = 0; i < q->count; i++) {
		fputs(i ? " OR (" : "(", f);
		for (j = 0; j < q->count; j++)
			if (j != i)
				fprintf(f, "%s%s",
					j == 0 || (i == 0 && j == 1) ? ""
								     : " AND ",
					q->phrases[j]);
		fputs(")", f);
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* The MATCH expression described at the top of this file. */
static char *
search_expression(const struct query *q, int some)
{
	char *all = required_words(q, some), *any = query_join(q, "OR");
	char *expr = NULL;

	if (all && any &&
	    asprintf(&expr, "{text title tags} : (%s) AND text : (%s)", all,
		     any) < 0)
		expr = NULL;
	free(all);
	free(any);
	return expr;
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
 * Reads the words of a moment (id, kind), marked: a chapter or timeline
 * line whole, an episode's description as a snippet (its indexed text
 * opens with the title, which the hit already shows). A new string.
 */
static char *
answer_marked(struct answer *a, sqlite3_int64 id, int kind)
{
	const char *text = NULL, *title;
	char *marked = NULL;
	size_t n;

	sqlite3_bind_int64(a->text, 1, id);
	if (sqlite3_step(a->text) == SQLITE_ROW)
		text = (const char *)sqlite3_column_text(a->text, 0);
	if (text) {
		title = (const char *)sqlite3_column_text(a->text, 1);
		n = title ? strlen(title) : 0;
		if (kind == 0 && n && strncmp(text, title, n) == 0 &&
		    (text[n] == '\n' || text[n] == ' '))
			text += n + 1;
		marked = kind == 0 ? highlighter_snippet(&a->marks, text,
							 LEAD_BYTES)
				   : highlighter_mark(&a->marks, text);
	}
	sqlite3_reset(a->text);
	return marked ? marked : strdup("");
}

/* Sets key to the plain text and hkey to the HTML of marked. */
static int
json_set_marked(json_t *obj, const char *key, const char *hkey,
		const char *marked)
{
	char *plain = markup_plain(marked), *html = markup_html(marked);
	int rc = -ENOMEM;

	if (plain && html) {
		if (key)
			json_object_set_new(obj, key, json_string(plain));
		json_object_set_new(obj, hkey, json_string(html));
		rc = 0;
	}
	free(plain);
	free(html);
	return rc;
}

static json_t *
moment_json(struct answer *a, const struct hit_moment *m)
{
	char *marked = answer_marked(a, m->id, m->kind);
	json_t *obj;

	obj = json_pack(
	    "{s:o, s:o, s:o, s:s, s:f}", "start", json_time(m->start), "end",
	    json_time(m->end), "timestamp", json_timestamp(m->start), "kind",
	    kind_names[m->kind], "score", round(-m->score * 1000) / 1000);
	if (obj && marked)
		json_set_marked(obj, "text", "highlight", marked);
	free(marked);
	return obj;
}

static const char *
column_string(sqlite3_stmt *stmt, int col)
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);

	return s ? s : "";
}

/* The episode's description around its matching words, as HTML. */
static void
hit_snippet(struct answer *a, json_t *hit, sqlite3_int64 episode_id)
{
	char *marked = answer_marked(a, episode_id, 0);

	if (marked)
		json_set_marked(hit, NULL, "snippet", marked);
	free(marked);
}

/* The hit object of one episode, moments included. */
static json_t *
hit_json(struct answer *a, const struct hit *h)
{
	sqlite3_int64 episode_id;
	json_t *hit = NULL, *moments;
	size_t i;

	sqlite3_bind_int64(a->episode, 1, h->file_id);
	if (sqlite3_step(a->episode) == SQLITE_ROW)
		hit = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f}", "slug",
				column_string(a->episode, 0), "title",
				column_string(a->episode, 1), "show",
				column_string(a->episode, 2), "published",
				column_string(a->episode, 3), "path",
				column_string(a->episode, 4), "score",
				round(-h->best * 1000) / 1000);
	episode_id = sqlite3_column_int64(a->episode, 5);
	sqlite3_reset(a->episode);
	if (hit == NULL)
		return NULL;
	hit_snippet(a, hit, episode_id);
	moments = json_array();
	for (i = 0; i < h->count && i < SEARCH_MAX_MOMENTS; i++)
		json_array_append_new(moments, moment_json(a, &h->moments[i]));
	json_object_set_new(hit, "moments", moments);
	return hit;
}

static int
answer_open(struct answer *a, sqlite3 *db, const char *expr,
	    const struct query *q)
{
	memset(a, 0, sizeof(*a));
	a->db = db;
	a->expr = expr;
	if (highlighter_open(&a->marks, db, q) != 0)
		return -ENOMEM;
	if (sqlite3_prepare_v2(db, text_sql, -1, &a->text, NULL) ||
	    sqlite3_prepare_v2(db, episode_sql, -1, &a->episode, NULL))
		return -EIO;
	return 0;
}

static void
answer_close(struct answer *a)
{
	sqlite3_finalize(a->text);
	sqlite3_finalize(a->episode);
	highlighter_close(&a->marks);
}

static int
hits_json(struct answer *a, const struct hits *h,
	  const struct search_request *req, json_t *out)
{
	size_t i, last = (size_t)req->offset + (size_t)req->limit;
	json_t *hit;

	for (i = (size_t)req->offset; i < h->count && i < last; i++) {
		hit = hit_json(a, &h->items[i]);
		if (hit == NULL && sqlite3_errcode(a->db) != SQLITE_DONE &&
		    sqlite3_errcode(a->db) != SQLITE_OK)
			return -EIO;
		if (hit)
			json_array_append_new(out, hit);
	}
	return 0;
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

/* Sets a filter given as a request parameter over the query's own. */
static int
search_param(struct query *q, const char *name, const char *value)
{
	return value ? query_set_filter(q, name, value) : 0;
}

/* Reads the user's words and filters into q, explaining a refusal. */
static int
search_query(sqlite3 *db, const struct search_request *req, struct query *q,
	     char **errmsg)
{
	int rc =
	    query_parse(db, req->query, req->prefix ? QUERY_PREFIX_LAST : 0, q);

	if (rc == 0)
		rc = search_param(q, "show", req->show);
	if (rc == 0)
		rc = search_param(q, "tech", req->tech);
	if (rc == 0)
		rc = search_param(q, "guest", req->guest);
	if (rc == 0)
		rc = search_param(q, "after", req->after);
	if (rc == 0)
		rc = search_param(q, "before", req->before);
	if (rc == -EINVAL && errmsg)
		*errmsg = strdup(q->error);
	else if (rc == -E2BIG && errmsg)
		*errmsg = strdup("q: longer than 32 words or 1024 bytes");
	else if (rc != 0)
		search_fail(errmsg, rc, "parse the query", db);
	return rc;
}

/* Finds, ranks and writes the hits; fills *total. With some set, a
 * moment may miss one of the words. */
static int
search_answer(sqlite3 *db, const struct query *q,
	      const struct search_request *req, int some, json_t *out,
	      size_t *total)
{
	struct hits h = {0};
	struct answer a;
	char *expr = q->count ? search_expression(q, some) : NULL;
	int rc = 0;

	*total = 0;
	if (q->count && expr == NULL)
		return -ENOMEM;
	if (expr || query_has_filters(q))
		rc = search_collect(db, expr, q, &h);
	if (rc == 0) {
		hits_rank(&h, SEARCH_FOLD_SECONDS);
		*total = h.count;
		rc = answer_open(&a, db, expr, q);
		if (rc == 0)
			rc = hits_json(&a, &h, req, out);
		answer_close(&a);
	}
	hits_clear(&h);
	free(expr);
	return rc;
}

/* Makes every plain word of q of 3 letters or more a prefix. */
static int
relax_prefixes(struct query *q)
{
	size_t i;
	char *p;

	for (i = 0; i < q->count; i++) {
		if (q->prefix[i] || strchr(q->terms[i], ' ') ||
		    strlen(q->terms[i]) < 3)
			continue;
		if (asprintf(&p, "\"%s\" *", q->terms[i]) < 0)
			return -ENOMEM;
		query_replace(q, i, p);
		q->prefix[i] = 1;
	}
	return 0;
}

/* Lets every word of q also match the index's near spellings of it. */
static int
relax_spellings(sqlite3 *db, struct query *q)
{
	int changed = 0;
	size_t i;
	char *group;

	for (i = 0; i < q->count; i++) {
		group = suggest_spellings(db, q->terms[i], q->prefix[i]);
		if (group) {
			query_replace(q, i, group);
			changed = 1;
		}
	}
	return changed;
}

/*
 * When all the words as typed find nothing, asks again more loosely, one
 * step at a time, and says which step found something: words as
 * beginnings ("flux" finds "FluxCD"), then near spellings, then moments
 * that miss one of the words.
 */
static int
search_relaxed(sqlite3 *db, const struct query *q,
	       const struct search_request *req, json_t *hits, size_t *total,
	       const char **how)
{
	struct query loose, spelled = {0};
	int rc = query_copy(q, &loose);

	if (rc == 0)
		rc = relax_prefixes(&loose);
	if (rc == 0)
		rc = search_answer(db, &loose, req, 0, hits, total);
	*how = "word beginnings";
	if (rc == 0 && *total == 0)
		rc = query_copy(&loose, &spelled);
	if (rc == 0 && *total == 0 && relax_spellings(db, &spelled)) {
		rc = search_answer(db, &spelled, req, 0, hits, total);
		*how = "close spellings";
	}
	if (rc == 0 && *total == 0 && loose.count >= 2 && loose.count <= 6) {
		rc = search_answer(db, &loose, req, 1, hits, total);
		*how = "some of the words";
	}
	if (*total == 0)
		*how = NULL;
	query_clear(&loose);
	query_clear(&spelled);
	return rc;
}

int
search_run(struct store *st, const struct search_request *req, json_t **out,
	   char **errmsg)
{
	sqlite3 *db = store_db(st);
	json_t *hits = json_array(), *suggestions = NULL;
	const char *relaxed = NULL;
	struct query q;
	size_t total = 0;
	int rc;

	*out = NULL;
	if (errmsg)
		*errmsg = NULL;
	/* One read transaction: every statement of this search sees the same
	 * snapshot, even while a batch commits between them. */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	rc = search_query(db, req, &q, errmsg);
	if (rc == 0)
		rc = search_answer(db, &q, req, 0, hits, &total);
	if (rc == 0 && total == 0 && q.count)
		rc = suggest_queries(db, &q, &suggestions);
	if (rc == 0 && total == 0 && q.count && !req->exact)
		rc = search_relaxed(db, &q, req, hits, &total, &relaxed);
	if (rc != 0)
		search_fail(errmsg, rc, "search the index", db);
	else
		*out = json_pack("{s:s, s:I, s:O, s:o*, s:s*}", "query",
				 req->query, "total", (json_int_t)total, "hits",
				 hits, "suggestions", suggestions, "relaxed",
				 relaxed);
	query_clear(&q);
	json_decref(hits);
	/* A damaged index keeps its error for the caller to see
	 * (store_is_corrupt), which then closes this connection. */
	if (rc == 0 || !store_is_corrupt(st))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc == 0 && *out == NULL ? -ENOMEM : rc;
}
