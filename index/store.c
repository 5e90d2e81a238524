/*
 * store.c: the SQLite FTS5 index and every SQL statement that writes it.
 *
 * Schema (version 5):
 *
 *   files(id, path UNIQUE, mtime_ns, size, hash, error_line, error_message)
 *       one row per episode file the scanner has seen; path is relative to
 *       the content root; error_* are set while the file cannot be used.
 *   episodes(file_id PRIMARY KEY, slug, title, description, show,
 *            published, duration, technologies, guests)
 *       the last good version of each file; lists joined by newlines.
 *   moments(id, file_id, kind, start, end)
 *       one row per searchable moment: the episode itself (kind 0), its
 *       chapters (1) and its timeline lines (2).
 *   moment_text(text, title, tags) FTS5, rowid = moments.id
 *       text is the moment's own words (an episode's title,
 *       description and tags for kind 0); title the episode title; tags its show,
 *       technologies and guests.
 *   vocabulary(term PRIMARY KEY, rows)
 *       the stems of titles, chapters, timeline lines and tags, and how
 *       many rows brought each; see vocabulary.h.
 *
 * FTS5 flushes its pending terms at the start of every statement that
 * writes it, so a batch that wrote it row by row would leave thousands of
 * tiny segments. Instead the writer stages a batch's text in two TEMP
 * tables, text_added and text_removed, and moves it into moment_text with
 * one DELETE and one INSERT when the batch commits.
 *
 * The writer keeps the write-ahead log small: once a batch leaves it over
 * STORE_WAL_LIMIT it is checkpointed and truncated, without waiting for
 * readers; a reader that holds an old snapshot only delays that until it
 * ends (store_checkpoint).
 *
 * Searches read through their own connections (search.c); this file does
 * not rank or format anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "vocabulary.h"

#define STORE_SCHEMA_VERSION 5
#define STORE_BUSY_TIMEOUT_MS 5000

static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS meta("
	" key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS files("
	" id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
	" mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,"
	" hash INTEGER NOT NULL, error_line INTEGER, error_message TEXT);"
	"CREATE TABLE IF NOT EXISTS episodes("
	" file_id INTEGER PRIMARY KEY, slug TEXT NOT NULL,"
	" title TEXT NOT NULL, description TEXT NOT NULL,"
	" show TEXT NOT NULL, published TEXT NOT NULL,"
	" duration INTEGER NOT NULL, technologies TEXT NOT NULL,"
	" guests TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS moments("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, file_id INTEGER NOT NULL,"
	" kind INTEGER NOT NULL, start INTEGER, end INTEGER);"
	"CREATE INDEX IF NOT EXISTS moments_by_file ON moments(file_id);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS moment_text USING fts5("
	" text, title, tags,"
	" tokenize = 'porter unicode61 remove_diacritics 2');"
	"CREATE TABLE IF NOT EXISTS vocabulary("
	" term TEXT PRIMARY KEY, rows INTEGER NOT NULL) WITHOUT ROWID;";

/* The writer's staging tables; see the top of this file. */
static const char store_staging[] =
	"CREATE TEMP TABLE text_added("
	" rowid INTEGER PRIMARY KEY, text, title, tags);"
	"CREATE TEMP TABLE text_removed(rowid INTEGER PRIMARY KEY);";

/* Every statement the writer uses, prepared once at open. */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_FILE_STATE,
	STMT_FILE_ID,
	STMT_EACH_PATH,
	STMT_UPSERT_FILE,
	STMT_SET_ERROR,
	STMT_TOUCH_FILE,
	STMT_UNSTAGE_TEXT,
	STMT_REMOVE_TEXT,
	STMT_DELETE_MOMENTS,
	STMT_DELETE_EPISODE,
	STMT_DELETE_FILE,
	STMT_INSERT_EPISODE,
	STMT_INSERT_MOMENT,
	STMT_INSERT_TEXT,
	STMT_APPLY_REMOVED,
	STMT_APPLY_ADDED,
	STMT_CLEAR_REMOVED,
	STMT_CLEAR_ADDED,
	STMT_COUNT_EPISODES,
	STMT_COUNT_CHAPTERS,
	STMT_COUNT_FILES,
	STMT_COUNT_ERRORS,
	STMT_EACH_ERROR,
	STMT_ADD_TERM,
	STMT__COUNT
};

static const char *const store_sql[STMT__COUNT] = {
	[STMT_ADD_TERM] = "INSERT INTO vocabulary(term, rows) VALUES(?1, ?2) "
			  "ON CONFLICT(term) DO UPDATE SET rows = rows + ?2",
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_FILE_STATE] =
		"SELECT mtime_ns, size, hash FROM files WHERE path = ?1",
	[STMT_FILE_ID] = "SELECT id FROM files WHERE path = ?1",
	[STMT_EACH_PATH] = "SELECT path FROM files ORDER BY path",
	[STMT_UPSERT_FILE] =
		"INSERT INTO files(path, mtime_ns, size, hash) "
		"VALUES(?1, ?2, ?3, ?4) ON CONFLICT(path) DO UPDATE SET "
		"mtime_ns = ?2, size = ?3, hash = ?4, error_line = NULL, "
		"error_message = NULL RETURNING id",
	[STMT_SET_ERROR] =
		"INSERT INTO files(path, mtime_ns, size, hash, error_line, "
		"error_message) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
		"ON CONFLICT(path) DO UPDATE SET mtime_ns = ?2, size = ?3, "
		"hash = ?4, error_line = ?5, error_message = ?6",
	[STMT_TOUCH_FILE] =
		"UPDATE files SET mtime_ns = ?2, size = ?3 WHERE path = ?1",
	[STMT_UNSTAGE_TEXT] = "DELETE FROM text_added WHERE rowid IN "
			      "(SELECT id FROM moments WHERE file_id = ?1)",
	[STMT_REMOVE_TEXT] = "INSERT OR IGNORE INTO text_removed "
			     "SELECT id FROM moments WHERE file_id = ?1",
	[STMT_DELETE_MOMENTS] = "DELETE FROM moments WHERE file_id = ?1",
	[STMT_DELETE_EPISODE] = "DELETE FROM episodes WHERE file_id = ?1",
	[STMT_DELETE_FILE] = "DELETE FROM files WHERE id = ?1",
	[STMT_INSERT_EPISODE] =
		"INSERT INTO episodes(file_id, slug, title, description, "
		"show, published, duration, technologies, guests) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_INSERT_MOMENT] = "INSERT INTO moments(file_id, kind, start, end) "
			       "VALUES(?1, ?2, ?3, ?4)",
	[STMT_INSERT_TEXT] = "INSERT INTO text_added(rowid, text, title, tags) "
			     "VALUES(?1, ?2, ?3, ?4)",
	[STMT_APPLY_REMOVED] = "DELETE FROM moment_text WHERE rowid IN "
			       "(SELECT rowid FROM text_removed)",
	[STMT_APPLY_ADDED] = "INSERT INTO moment_text(rowid, text, title, tags) "
			     "SELECT rowid, text, title, tags FROM text_added",
	[STMT_CLEAR_REMOVED] = "DELETE FROM text_removed",
	[STMT_CLEAR_ADDED] = "DELETE FROM text_added",
	[STMT_COUNT_EPISODES] = "SELECT count(*) FROM episodes",
	[STMT_COUNT_CHAPTERS] = "SELECT count(*) FROM moments WHERE kind = 1",
	[STMT_COUNT_FILES] = "SELECT count(*) FROM files",
	[STMT_COUNT_ERRORS] =
		"SELECT count(*) FROM files WHERE error_message IS NOT NULL",
	[STMT_EACH_ERROR] = "SELECT path, error_line, error_message FROM files "
			    "WHERE error_message IS NOT NULL ORDER BY path",
};

struct store {
	sqlite3 *db;
	enum store_mode mode;
	sqlite3_stmt *stmt[STMT__COUNT];
	struct vocabulary vocabulary; /* the writer's batch of stems */
};

/* Maps a SQLite result code to the errno-style codes callers see. */
static int
store_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static char *
store_message(const char *path, const char *what, sqlite3 *db)
{
	const char *reason = db ? sqlite3_errmsg(db) : "out of memory";
	size_t n = strlen(path) + strlen(what) + strlen(reason) + 8;
	char *msg = malloc(n);

	if (msg)
		snprintf(msg, n, "%s: %s: %s", path, what, reason);
	return msg;
}

/* Runs a statement that returns no rows we need; resets it. */
static int
store_run(sqlite3_stmt *stmt)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return store_code(rc);
}

/* Creates the schema, or checks the version of an existing one. */
static int
store_prepare_schema(sqlite3 *db)
{
	sqlite3_stmt *stmt;
	int rc, version = 0;

	rc = sqlite3_exec(db, store_schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, store_staging, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_code(rc);

	rc = sqlite3_prepare_v2(db,
				"SELECT value FROM meta WHERE key = 'schema'",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_code(rc);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);

	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (version != 0)
		return -EPROTO;
	rc = sqlite3_exec(db,
			  "INSERT INTO meta VALUES('schema', 5)", NULL, NULL,
			  NULL);
	return store_code(rc);
}

static int
store_configure(struct store *st)
{
	static const char writer_pragmas[] =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = NORMAL;"
		"PRAGMA foreign_keys = OFF;"
		"PRAGMA journal_size_limit = " STORE_WAL_LIMIT_TEXT ";";
	static const char reader_pragmas[] = "PRAGMA query_only = 1;";
	int rc;

	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	if (st->mode == STORE_READER)
		return store_code(sqlite3_exec(st->db, reader_pragmas, NULL,
					       NULL, NULL));

	rc = sqlite3_exec(st->db, writer_pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_code(rc);
	return store_prepare_schema(st->db);
}

static int
store_prepare_all(struct store *st)
{
	int i, rc;

	if (st->mode == STORE_READER)
		return 0;
	for (i = 0; i < STMT__COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, store_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT,
					&st->stmt[i], NULL);
		if (rc != SQLITE_OK)
			return store_code(rc);
	}
	return vocabulary_open(&st->vocabulary, st->db);
}

int
store_open(const char *path, enum store_mode mode, struct store **out,
	   char **errmsg)
{
	struct store *st;
	int flags, rc;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	st->mode = mode;

	flags = SQLITE_OPEN_NOMUTEX | (mode == STORE_READER
		? SQLITE_OPEN_READONLY
		: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = store_code(sqlite3_open_v2(path, &st->db, flags, NULL));
	if (rc == 0)
		rc = store_configure(st);
	if (rc == 0)
		rc = store_prepare_all(st);
	if (rc != 0) {
		if (errmsg)
			*errmsg = store_message(path, rc == -EPROTO
				? "not an epsearch index" : "cannot open",
				st->db);
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < STMT__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	vocabulary_close(&st->vocabulary);
	sqlite3_close_v2(st->db);
	free(st);
}

/* Runs one check that answers "ok" when all is well; see store_check. */
static int
store_check_one(struct store *st, const char *sql, char **errmsg)
{
	const char *path = sqlite3_db_filename(st->db, "main");
	sqlite3_stmt *stmt;
	const char *answer;
	char *p;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	answer = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0)
				  : NULL;
	if (rc == SQLITE_ROW && answer && strcmp(answer, "ok") != 0) {
		if (errmsg && asprintf(errmsg, "%s: %s", path, answer) < 0)
			*errmsg = NULL;
		for (p = errmsg ? *errmsg : NULL; p && *p; p++)
			*p = *p == '\n' ? ' ' : *p; /* one line in the log */
		sqlite3_finalize(stmt);
		return -EPROTO;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = SQLITE_OK;
	else if (errmsg)
		*errmsg = store_message(path, "check", st->db);
	sqlite3_finalize(stmt);
	return store_code(rc);
}

int
store_check(struct store *st, char **errmsg)
{
	int rc = store_check_one(st, "PRAGMA quick_check(1)", errmsg);

	/* FTS5's own check reads every segment and compares it with the
	 * text table; it answers nothing when all is well. */
	if (rc == 0)
		rc = store_check_one(st,
				     "INSERT INTO moment_text(moment_text) "
				     "VALUES('integrity-check')",
				     errmsg);
	return rc;
}

/* The size of the write-ahead log in bytes; 0 when there is none. */
static long long
store_wal_size(struct store *st)
{
	const char *wal = sqlite3_filename_wal(
		sqlite3_db_filename(st->db, "main"));
	struct stat sb;

	return wal && stat(wal, &sb) == 0 ? (long long)sb.st_size : 0;
}

int
store_checkpoint(struct store *st)
{
	int rc;

	if (store_wal_size(st) <= STORE_WAL_LIMIT)
		return 0;
	/* No busy handler: a reader on an old snapshot makes this return
	 * at once, having copied what it could, instead of waiting. */
	sqlite3_busy_timeout(st->db, 0);
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
				       SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return store_code(rc);
	return store_wal_size(st) <= STORE_WAL_LIMIT ? 0 : -EBUSY;
}

int
store_is_corrupt(struct store *st)
{
	int rc = sqlite3_errcode(st->db) & 0xff;

	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

int
store_begin(struct store *st)
{
	return store_run(st->stmt[STMT_BEGIN]);
}

/* Moves the staged text into the FTS5 table: one write each way. */
static int
store_apply_staged(struct store *st)
{
	static const enum store_stmt steps[] = {
		STMT_APPLY_REMOVED,
		STMT_APPLY_ADDED,
		STMT_CLEAR_REMOVED,
		STMT_CLEAR_ADDED,
	};
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
		rc = store_run(st->stmt[steps[i]]);
	return rc;
}

int
store_commit(struct store *st)
{
	int rc = store_apply_staged(st);

	if (rc == 0)
		rc = vocabulary_flush(&st->vocabulary,
				      st->stmt[STMT_ADD_TERM]);
	return rc ? rc : store_run(st->stmt[STMT_COMMIT]);
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_run(st->stmt[STMT_ROLLBACK]);
	vocabulary_forget(&st->vocabulary);
}

int
store_file_state(struct store *st, const char *path, struct file_state *state)
{
	sqlite3_stmt *stmt = st->stmt[STMT_FILE_STATE];
	int rc;

	sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		state->mtime_ns = sqlite3_column_int64(stmt, 0);
		state->size = sqlite3_column_int64(stmt, 1);
		state->hash = (unsigned long long)sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	return store_code(rc);
}

int
store_each_path(struct store *st, int (*fn)(void *arg, const char *path),
		void *arg)
{
	sqlite3_stmt *stmt = st->stmt[STMT_EACH_PATH];
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stop = fn(arg, (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	if (stop)
		return stop;
	return store_code(rc);
}

/* The id of a known path: 0 and *id, -ENOENT, or another code. */
static int
store_file_id(struct store *st, const char *path, sqlite3_int64 *id)
{
	sqlite3_stmt *stmt = st->stmt[STMT_FILE_ID];
	int rc;

	sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	return store_code(rc);
}

/* Removes the episode, moments and text indexed from one file. */
static int
store_forget_rows(struct store *st, sqlite3_int64 file_id)
{
	static const enum store_stmt steps[] = {
		STMT_UNSTAGE_TEXT,
		STMT_REMOVE_TEXT,
		STMT_DELETE_MOMENTS,
		STMT_DELETE_EPISODE,
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		sqlite3_bind_int64(st->stmt[steps[i]], 1, file_id);
		rc = store_run(st->stmt[steps[i]]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
bind_state(sqlite3_stmt *stmt, const char *path,
	   const struct file_state *state)
{
	sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, state->mtime_ns);
	sqlite3_bind_int64(stmt, 3, state->size);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)state->hash);
}

/* Inserts or updates the files row, clearing any error; returns its id. */
static int
store_upsert_file(struct store *st, const char *path,
		  const struct file_state *state, sqlite3_int64 *id)
{
	sqlite3_stmt *stmt = st->stmt[STMT_UPSERT_FILE];
	int rc;

	bind_state(stmt, path, state);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return store_code(rc);
}

/* Joins a list with newlines into a new string; NULL on ENOMEM. */
static char *
join_lines(char *const *list, size_t count)
{
	size_t i, n = 1;
	char *s, *p;

	for (i = 0; i < count; i++)
		n += strlen(list[i]) + 1;
	s = p = malloc(n);
	if (s == NULL)
		return NULL;
	for (i = 0; i < count; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", list[i]);
	*p = '\0';
	return s;
}

/* The words a moment inherits from its episode: show, tech, guests. */
static char *
episode_tags(const struct episode *ep, const char *tech, const char *guests)
{
	size_t n = strlen(ep->show) + strlen(tech) + strlen(guests) + 3;
	char *tags = malloc(n);

	if (tags)
		snprintf(tags, n, "%s\n%s\n%s", ep->show, tech, guests);
	return tags;
}

static int
store_insert_episode_row(struct store *st, sqlite3_int64 file_id,
			 const struct episode *ep, const char *tech,
			 const char *guests)
{
	sqlite3_stmt *stmt = st->stmt[STMT_INSERT_EPISODE];

	sqlite3_bind_int64(stmt, 1, file_id);
	sqlite3_bind_text(stmt, 2, ep->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, ep->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, ep->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, ep->show, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, ep->published, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, ep->duration);
	sqlite3_bind_text(stmt, 8, tech, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, guests, -1, SQLITE_STATIC);
	return store_run(stmt);
}

static void
bind_time(sqlite3_stmt *stmt, int column, long seconds)
{
	if (seconds == MOMENT_NO_TIME)
		sqlite3_bind_null(stmt, column);
	else
		sqlite3_bind_int64(stmt, column, seconds);
}

/* Inserts one moment and its searchable text. */
static int
store_insert_moment(struct store *st, sqlite3_int64 file_id,
		    const struct moment *m, const char *title,
		    const char *tags)
{
	sqlite3_stmt *stmt = st->stmt[STMT_INSERT_MOMENT];
	sqlite3_int64 id;
	int rc;

	sqlite3_bind_int64(stmt, 1, file_id);
	sqlite3_bind_int(stmt, 2, (int)m->kind);
	bind_time(stmt, 3, m->start);
	bind_time(stmt, 4, m->end);
	rc = store_run(stmt);
	if (rc != 0)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);

	stmt = st->stmt[STMT_INSERT_TEXT];
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, m->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, tags, -1, SQLITE_STATIC);
	rc = store_run(stmt);
	if (rc == 0 && m->kind != MOMENT_EPISODE)
		rc = vocabulary_add(&st->vocabulary, m->text);
	return rc;
}

/*
 * The episode-as-a-whole moment: its title, description and tags are its
 * text, so an episode that only its show, technologies or guests name is
 * still found (as itself).
 */
static int
store_insert_episode_moment(struct store *st, sqlite3_int64 file_id,
			    const struct episode *ep, const char *tags)
{
	size_t n = strlen(ep->title) + strlen(ep->description) +
		   strlen(tags) + 3;
	struct moment whole = {MOMENT_EPISODE, MOMENT_NO_TIME,
			       MOMENT_NO_TIME, malloc(n)};
	int rc;

	if (whole.text == NULL)
		return -ENOMEM;
	snprintf(whole.text, n, "%s\n%s\n%s", ep->title, ep->description,
		 tags);
	rc = store_insert_moment(st, file_id, &whole, ep->title, tags);
	free(whole.text);
	return rc;
}

static int
store_insert_rows(struct store *st, sqlite3_int64 file_id,
		  const struct episode *ep, const char *tech,
		  const char *guests)
{
	char *tags = episode_tags(ep, tech, guests);
	size_t i;
	int rc;

	if (tags == NULL)
		return -ENOMEM;
	rc = store_insert_episode_row(st, file_id, ep, tech, guests);
	if (rc == 0)
		rc = store_insert_episode_moment(st, file_id, ep, tags);
	if (rc == 0)
		rc = vocabulary_add(&st->vocabulary, ep->title);
	if (rc == 0)
		rc = vocabulary_add(&st->vocabulary, tags);
	for (i = 0; rc == 0 && i < ep->moment_count; i++)
		rc = store_insert_moment(st, file_id, &ep->moments[i],
					 ep->title, tags);
	free(tags);
	return rc;
}

int
store_put_episode(struct store *st, const char *path,
		  const struct file_state *state, const struct episode *ep)
{
	char *tech, *guests;
	sqlite3_int64 file_id = 0;
	int rc;

	rc = store_upsert_file(st, path, state, &file_id);
	if (rc == 0)
		rc = store_forget_rows(st, file_id);
	if (rc != 0)
		return rc;

	tech = join_lines(ep->technologies, ep->technology_count);
	guests = join_lines(ep->guests, ep->guest_count);
	if (tech && guests)
		rc = store_insert_rows(st, file_id, ep, tech, guests);
	else
		rc = -ENOMEM;
	free(tech);
	free(guests);
	return rc;
}

int
store_put_error(struct store *st, const char *path,
		const struct file_state *state, const struct parse_error *err)
{
	sqlite3_stmt *stmt = st->stmt[STMT_SET_ERROR];

	bind_state(stmt, path, state);
	sqlite3_bind_int(stmt, 5, err->line);
	sqlite3_bind_text(stmt, 6, err->message, -1, SQLITE_STATIC);
	return store_run(stmt);
}

int
store_touch_file(struct store *st, const char *path,
		 const struct file_state *state)
{
	sqlite3_stmt *stmt = st->stmt[STMT_TOUCH_FILE];

	sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, state->mtime_ns);
	sqlite3_bind_int64(stmt, 3, state->size);
	return store_run(stmt);
}

int
store_delete_file(struct store *st, const char *path)
{
	sqlite3_stmt *stmt = st->stmt[STMT_DELETE_FILE];
	sqlite3_int64 file_id = 0;
	int rc;

	rc = store_file_id(st, path, &file_id);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		rc = store_forget_rows(st, file_id);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, file_id);
	return store_run(stmt);
}

/* Runs a one-number query on any connection. */
static int
store_count_sql(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_code(rc);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : store_code(rc);
}

int
store_counts(struct store *st, struct store_counts *counts)
{
	int rc;

	rc = store_count_sql(st->db, store_sql[STMT_COUNT_EPISODES],
			     &counts->episodes);
	if (rc == 0)
		rc = store_count_sql(st->db, store_sql[STMT_COUNT_CHAPTERS],
				     &counts->chapters);
	if (rc == 0)
		rc = store_count_sql(st->db, store_sql[STMT_COUNT_FILES],
				     &counts->files);
	if (rc == 0)
		rc = store_count_sql(st->db, store_sql[STMT_COUNT_ERRORS],
				     &counts->errors);
	return rc;
}

int
store_each_error(struct store *st,
		 void (*fn)(void *arg, const char *path, int line,
			    const char *message),
		 void *arg)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(st->db, store_sql[STMT_EACH_ERROR], -1, &stmt,
				NULL);
	if (rc != SQLITE_OK)
		return store_code(rc);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(stmt, 0),
		   sqlite3_column_int(stmt, 1),
		   (const char *)sqlite3_column_text(stmt, 2));
	sqlite3_finalize(stmt);
	return store_code(rc);
}
