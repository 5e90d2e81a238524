/*
 * floor.c: the least work that builds an index like epsearchd's, as a
 * yardstick for its full scan. It walks a tree, reads the front matter of
 * every .md file with libyaml's event API, and inserts the same rows
 * (files, episodes, moments and their FTS5 text, same tokenizer) into a
 * fresh SQLite database in one transaction.
 *
 *   floor CONTENT_DIR DB
 *
 * Like epsearchd it drops the timeline lines that repeat a chapter's start.
 * It does not normalise text, report errors per file, stage FTS5 text or
 * keep anything for later scans: a file it cannot read is skipped. Prints
 * "N files, M moments" on stdout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <yaml.h>

#define FLOOR_MAX_CHAPTERS 1024
#define FLOOR_LIST_MAX 4096

static const char floor_schema[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = NORMAL;"
    "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
    " mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL);"
    "CREATE TABLE episodes(file_id INTEGER PRIMARY KEY, slug TEXT,"
    " title TEXT, description TEXT, show TEXT, published TEXT,"
    " duration INTEGER, technologies TEXT, guests TEXT);"
    "CREATE TABLE moments(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " file_id INTEGER NOT NULL, kind INTEGER NOT NULL, start INTEGER,"
    " end INTEGER);"
    "CREATE INDEX moments_by_file ON moments(file_id);"
    "CREATE VIRTUAL TABLE moment_text USING fts5(text, title, tags,"
    " tokenize = 'porter unicode61 remove_diacritics 2');";

enum floor_stmt {
	FLOOR_FILE,
	FLOOR_EPISODE,
	FLOOR_MOMENT,
	FLOOR_TEXT,
	FLOOR__COUNT
};

static const char *const floor_sql[FLOOR__COUNT] = {
    [FLOOR_FILE] = "INSERT INTO files(path, mtime_ns, size) "
		   "VALUES(?1, ?2, ?3)",
    [FLOOR_EPISODE] = "INSERT INTO episodes VALUES(?1, ?2, ?3, ?4, ?5, "
		      "?6, ?7, ?8, ?9)",
    [FLOOR_MOMENT] = "INSERT INTO moments(file_id, kind, start, end) "
		     "VALUES(?1, ?2, ?3, ?4)",
    [FLOOR_TEXT] = "INSERT INTO moment_text(rowid, text, title, tags) "
		   "VALUES(?1, ?2, ?3, ?4)",
};

/* A chapter as read: start in seconds and its title (owned). */
struct floor_chapter {
	long start;
	char *title;
};

/* The fields of one episode; every string owned, NULL when absent. */
struct floor_episode {
	char *slug, *title, *description, *show, *published, *duration;
	char tech[FLOOR_LIST_MAX];
	char guests[FLOOR_LIST_MAX];
	struct floor_chapter chapters[FLOOR_MAX_CHAPTERS];
	size_t chapter_count;
};

struct floor {
	sqlite3 *db;
	sqlite3_stmt *stmt[FLOOR__COUNT];
	const char *root;
	long files;
	long moments;
};

/* Seconds from "90", "1:30" or "1:01:30"; -1 if it is none of these. */
static long
floor_seconds(const char *s)
{
	long total = 0, part = 0;
	int digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			part = part * 10 + (*s - '0');
			digits++;
		} else if (*s == ':' && digits) {
			total = (total + part) * 60;
			part = digits = 0;
		} else {
			return -1;
		}
	}
	return digits ? total + part : -1;
}

static void
floor_list_add(char *list, const char *item)
{
	size_t n = strlen(list);

	snprintf(list + n, FLOOR_LIST_MAX - n, "%s%s", n ? "\n" : "", item);
}

/* The string a scalar event holds, newly allocated. */
static char *
floor_scalar(const yaml_event_t *ev)
{
	return strndup((const char *)ev->data.scalar.value,
		       ev->data.scalar.length);
}

/*
 * Reads the chapters sequence, positioned after its SEQUENCE_START.
 * Returns 0, or -1 on a parse error.
 */
static int
floor_read_chapters(yaml_parser_t *p, struct floor_episode *ep)
{
	yaml_event_t ev, val;
	struct floor_chapter *ch = NULL;
	int rc = 0, key;

	while (rc == 0 && yaml_parser_parse(p, &ev)) {
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type == YAML_MAPPING_START_EVENT &&
		    ep->chapter_count < FLOOR_MAX_CHAPTERS) {
			ch = &ep->chapters[ep->chapter_count++];
			ch->start = -1;
		} else if (ev.type == YAML_SCALAR_EVENT && ch) {
			key = !strcmp((char *)ev.data.scalar.value, "startTime")
				  ? 1
			      : !strcmp((char *)ev.data.scalar.value, "title")
				  ? 2
				  : 0;
			if (!yaml_parser_parse(p, &val))
				rc = -1;
			else if (key == 1)
				ch->start = floor_seconds(
				    (char *)val.data.scalar.value);
			else if (key == 2 && val.type == YAML_SCALAR_EVENT)
				ch->title = floor_scalar(&val);
			if (rc == 0)
				yaml_event_delete(&val);
		}
		yaml_event_delete(&ev);
	}
	return -1;
}

/* Reads a sequence of scalars into a newline-joined list. */
static int
floor_read_list(yaml_parser_t *p, char *list)
{
	yaml_event_t ev;

	while (yaml_parser_parse(p, &ev)) {
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type == YAML_SCALAR_EVENT)
			floor_list_add(list, (char *)ev.data.scalar.value);
		yaml_event_delete(&ev);
	}
	return -1;
}

/* Skips a collection, positioned after its start. 0, or -1. */
static int
floor_skip(yaml_parser_t *p)
{
	yaml_event_t ev;
	int depth = 1;

	while (depth > 0 && yaml_parser_parse(p, &ev)) {
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			 ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
	}
	return depth == 0 ? 0 : -1;
}

static char **
floor_field(struct floor_episode *ep, const char *key)
{
	static const char *const names[] = {
	    "slug", "title", "description", "show", "publishedAt", "duration"};
	char **fields[] = {&ep->slug, &ep->title,     &ep->description,
			   &ep->show, &ep->published, &ep->duration};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(key, names[i]))
			return fields[i];
	return NULL;
}

/* Reads the value after a top-level key. 0, or -1 on a parse error. */
static int
floor_read_value(yaml_parser_t *p, struct floor_episode *ep, const char *key)
{
	yaml_event_t ev;
	char **field = floor_field(ep, key);
	int rc = 0;

	if (!yaml_parser_parse(p, &ev))
		return -1;
	if (ev.type == YAML_SCALAR_EVENT && field && *field == NULL)
		*field = floor_scalar(&ev);
	else if (ev.type == YAML_SEQUENCE_START_EVENT &&
		 !strcmp(key, "chapters"))
		rc = floor_read_chapters(p, ep);
	else if (ev.type == YAML_SEQUENCE_START_EVENT &&
		 !strcmp(key, "technologies"))
		rc = floor_read_list(p, ep->tech);
	else if (ev.type == YAML_SEQUENCE_START_EVENT && !strcmp(key, "guests"))
		rc = floor_read_list(p, ep->guests);
	else if (ev.type == YAML_SEQUENCE_START_EVENT ||
		 ev.type == YAML_MAPPING_START_EVENT)
		rc = floor_skip(p);
	yaml_event_delete(&ev);
	return rc;
}

/* Parses n bytes of front matter into ep. 0, or -1 if it is not YAML. */
static int
floor_parse(const char *buf, size_t n, struct floor_episode *ep)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = -1;
	char *key;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, n);
	while (yaml_parser_parse(&p, &ev)) {
		yaml_event_type_t type = ev.type;

		if (type == YAML_MAPPING_START_EVENT)
			depth++;
		if (type == YAML_SCALAR_EVENT && depth == 1) {
			key = floor_scalar(&ev);
			yaml_event_delete(&ev);
			rc = floor_read_value(&p, ep, key);
			free(key);
			if (rc != 0)
				break;
			continue;
		}
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT) {
			rc = 0;
			break;
		}
	}
	yaml_parser_delete(&p);
	return ep->title ? rc : -1;
}

static void
floor_episode_clear(struct floor_episode *ep)
{
	size_t i;

	free(ep->slug);
	free(ep->title);
	free(ep->description);
	free(ep->show);
	free(ep->published);
	free(ep->duration);
	for (i = 0; i < ep->chapter_count; i++)
		free(ep->chapters[i].title);
}

static int
floor_run(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Inserts a moment and its text; start or end -1 for none. */
static int
floor_moment(struct floor *fl, sqlite3_int64 file_id, int kind, long start,
	     long end, const char *text, size_t len, const char *title,
	     const char *tags)
{
	sqlite3_stmt *m = fl->stmt[FLOOR_MOMENT], *t = fl->stmt[FLOOR_TEXT];

	sqlite3_bind_int64(m, 1, file_id);
	sqlite3_bind_int(m, 2, kind);
	start < 0 ? sqlite3_bind_null(m, 3) : sqlite3_bind_int64(m, 3, start);
	end < 0 ? sqlite3_bind_null(m, 4) : sqlite3_bind_int64(m, 4, end);
	if (floor_run(m) != 0)
		return -1;
	sqlite3_bind_int64(t, 1, sqlite3_last_insert_rowid(fl->db));
	sqlite3_bind_text(t, 2, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(t, 3, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(t, 4, tags, -1, SQLITE_STATIC);
	fl->moments++;
	return floor_run(t);
}

/* The end of the line at s: a newline, a literal backslash-n, or NUL. */
static const char *
floor_line_end(const char *s)
{
	for (; *s && *s != '\n'; s++)
		if (s[0] == '\\' && s[1] == 'n')
			break;
	return s;
}

/* Whether a chapter starts at start: its timeline line repeats it. */
static int
floor_is_chapter(const struct floor_episode *ep, long start)
{
	size_t i;

	for (i = 0; i < ep->chapter_count; i++)
		if (ep->chapters[i].start == start)
			return 1;
	return 0;
}

/*
 * The timeline moments: lines of the description, split at newlines or
 * at a literal backslash-n, that start with a timestamp.
 */
static int
floor_timeline(struct floor *fl, sqlite3_int64 file_id,
	       const struct floor_episode *ep, const char *tags)
{
	const char *s = ep->description, *end, *text;
	char stamp[16];
	size_t n;
	long start;

	while (s && *s) {
		end = floor_line_end(s);
		n = strspn(s, "0123456789:");
		if (n >= 4 && n < sizeof(stamp) && s + n < end) {
			memcpy(stamp, s, n);
			stamp[n] = '\0';
			start = floor_seconds(stamp);
			text = s + n + strspn(s + n, " -");
			if (start >= 0 && text < end &&
			    !floor_is_chapter(ep, start) &&
			    floor_moment(fl, file_id, 2, start, -1, text,
					 end - text, ep->title, tags) != 0)
				return -1;
		}
		s = *end == '\\' ? end + 2 : *end ? end + 1 : end;
	}
	return 0;
}

static int
floor_insert(struct floor *fl, const char *rel, const struct stat *st,
	     const struct floor_episode *ep)
{
	sqlite3_stmt *f = fl->stmt[FLOOR_FILE], *e = fl->stmt[FLOOR_EPISODE];
	const char *desc = ep->description ? ep->description : "";
	char tags[3 * FLOOR_LIST_MAX], *whole;
	long duration = ep->duration ? floor_seconds(ep->duration) : 0, end;
	sqlite3_int64 id;
	size_t i;
	int rc;

	sqlite3_bind_text(f, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(
	    f, 2, st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec);
	sqlite3_bind_int64(f, 3, st->st_size);
	if (floor_run(f) != 0)
		return -1;
	id = sqlite3_last_insert_rowid(fl->db);

	snprintf(tags, sizeof(tags), "%s\n%s\n%s", ep->show ? ep->show : "",
		 ep->tech, ep->guests);
	sqlite3_bind_int64(e, 1, id);
	sqlite3_bind_text(e, 2, ep->slug ? ep->slug : rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(e, 3, ep->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(e, 4, desc, -1, SQLITE_STATIC);
	sqlite3_bind_text(e, 5, ep->show ? ep->show : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(e, 6, ep->published ? ep->published : "", 10,
			  SQLITE_STATIC);
	sqlite3_bind_int64(e, 7, duration);
	sqlite3_bind_text(e, 8, ep->tech, -1, SQLITE_STATIC);
	sqlite3_bind_text(e, 9, ep->guests, -1, SQLITE_STATIC);
	if (floor_run(e) != 0)
		return -1;

	if (asprintf(&whole, "%s\n%s", ep->title, desc) < 0)
		return -1;
	rc = floor_moment(fl, id, 0, -1, -1, whole, strlen(whole), ep->title,
			  tags);
	free(whole);
	for (i = 0; rc == 0 && i < ep->chapter_count; i++) {
		const struct floor_chapter *ch = &ep->chapters[i];

		end = i + 1 < ep->chapter_count ? ep->chapters[i + 1].start
		      : duration		? duration
						: -1;
		if (ch->title && ch->start >= 0)
			rc = floor_moment(fl, id, 1, ch->start, end, ch->title,
					  strlen(ch->title), ep->title, tags);
	}
	return rc == 0 ? floor_timeline(fl, id, ep, tags) : rc;
}

/* Reads a whole file; NULL if it cannot be read. */
static char *
floor_read(const char *path, const struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = malloc(st->st_size + 1);
	ssize_t n = -1;

	if (fd >= 0 && buf)
		n = read(fd, buf, st->st_size);
	if (fd >= 0)
		close(fd);
	if (n != st->st_size) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Indexes one file, if it has front matter; skips it otherwise. */
static int
floor_file(struct floor *fl, const char *path, const struct stat *st)
{
	struct floor_episode *ep;
	char *buf = floor_read(path, st), *end;
	int rc = 0;

	if (buf == NULL || strncmp(buf, "---\n", 4) != 0 ||
	    (end = strstr(buf + 3, "\n---\n")) == NULL) {
		free(buf);
		return 0;
	}
	ep = calloc(1, sizeof(*ep));
	if (ep && floor_parse(buf + 4, end + 1 - (buf + 4), ep) == 0) {
		rc = floor_insert(fl, path + strlen(fl->root) + 1, st, ep);
		fl->files++;
	}
	if (ep)
		floor_episode_clear(ep);
	free(ep);
	free(buf);
	return rc;
}

/* Walks dir depth first, without following symbolic links. */
static int
floor_walk(struct floor *fl, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char path[PATH_MAX];
	size_t n;
	int rc = 0;

	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) != 0)
			continue;
		n = strlen(de->d_name);
		if (S_ISDIR(st.st_mode))
			rc = floor_walk(fl, path);
		else if (S_ISREG(st.st_mode) && n > 3 &&
			 !strcmp(de->d_name + n - 3, ".md"))
			rc = floor_file(fl, path, &st);
	}
	closedir(d);
	return rc;
}

static int
floor_open(struct floor *fl, const char *db_path)
{
	int i;

	if (sqlite3_open(db_path, &fl->db) != SQLITE_OK ||
	    sqlite3_exec(fl->db, floor_schema, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < FLOOR__COUNT; i++)
		if (sqlite3_prepare_v2(fl->db, floor_sql[i], -1, &fl->stmt[i],
				       NULL) != SQLITE_OK)
			return -1;
	return 0;
}

static void
floor_close(struct floor *fl)
{
	int i;

	for (i = 0; i < FLOOR__COUNT; i++)
		sqlite3_finalize(fl->stmt[i]);
	sqlite3_close(fl->db);
}

int
main(int argc, char **argv)
{
	struct floor fl = {0};
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: floor CONTENT_DIR DB\n");
		return 64;
	}
	fl.root = argv[1];
	rc = floor_open(&fl, argv[2]);
	if (rc == 0)
		rc = sqlite3_exec(fl.db, "BEGIN", NULL, NULL, NULL);
	if (rc == 0)
		rc = floor_walk(&fl, fl.root);
	if (rc == 0)
		rc = sqlite3_exec(fl.db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0) {
		fprintf(stderr, "floor: %s: %s\n", argv[2],
			fl.db ? sqlite3_errmsg(fl.db) : "cannot open");
		floor_close(&fl);
		return 1;
	}
	printf("%ld files, %ld moments\n", fl.files, fl.moments);
	floor_close(&fl);
	return 0;
}
