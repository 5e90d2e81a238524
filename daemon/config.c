/*
 * config.c: reads epsearchd's settings file with libyaml's event API; see
 * config.h. The file is one mapping of known keys to plain values;
 * anything else is refused with the line it is on, and nothing of a
 * refused file is kept.
 */
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config.h"
#include "log.h"
#include "url.h"

/* One file being read: where it is, for messages, and what it gave. */
struct config_reader {
	yaml_parser_t parser;
	const char *path;
	struct config *out;
	unsigned seen; /* bit i: config_keys[i] was given */
	char **errmsg;
};

/* Stores one value, or returns -EINVAL with why filled in. */
typedef int (*config_setter)(struct config *c, const char *value, char *why,
			     size_t size);

static int config_set_content(struct config *c, const char *v, char *why,
			      size_t size);
static int config_set_socket(struct config *c, const char *v, char *why,
			     size_t size);
static int config_set_db(struct config *c, const char *v, char *why,
			 size_t size);
static int config_set_log_level(struct config *c, const char *v, char *why,
				size_t size);
static int config_set_url_template(struct config *c, const char *v, char *why,
				   size_t size);
static int config_set_allow_group(struct config *c, const char *v, char *why,
				  size_t size);

static const struct {
	const char *name;
	config_setter set;
} config_keys[] = {
    {"content", config_set_content},
    {"socket", config_set_socket},
    {"db", config_set_db},
    {"log_level", config_set_log_level},
    {"url_template", config_set_url_template},
    {"allow_group", config_set_allow_group},
};

#define CONFIG_KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))

/* Sets *errmsg to "path:line: text" and returns -EINVAL. */
static int config_fail(struct config_reader *r, size_t line, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));

static int
config_fail(struct config_reader *r, size_t line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (asprintf(r->errmsg, "%s:%zu: %s", r->path, line, text) < 0)
		*r->errmsg = NULL;
	return -EINVAL;
}

/* "~/x" becomes $HOME/x; any other path must be absolute. */
static int
config_path(char **out, const char *value, char *why, size_t size)
{
	const char *home = getenv("HOME");

	if (strncmp(value, "~/", 2) == 0) {
		if (home == NULL || *home != '/') {
			snprintf(why, size,
				 "starts with ~/ but HOME is not "
				 "set");
			return -EINVAL;
		}
		if (asprintf(out, "%s%s", home, value + 1) < 0)
			return -ENOMEM;
		return 0;
	}
	if (*value != '/') {
		snprintf(why, size,
			 "expected an absolute path or one "
			 "starting with ~/, got '%s'",
			 value);
		return -EINVAL;
	}
	*out = strdup(value);
	return *out ? 0 : -ENOMEM;
}

static int
config_set_content(struct config *c, const char *v, char *why, size_t size)
{
	return config_path(&c->content, v, why, size);
}

static int
config_set_socket(struct config *c, const char *v, char *why, size_t size)
{
	return config_path(&c->socket, v, why, size);
}

static int
config_set_db(struct config *c, const char *v, char *why, size_t size)
{
	return config_path(&c->db, v, why, size);
}

static int
config_set_log_level(struct config *c, const char *v, char *why, size_t size)
{
	c->log_level = log_level_from_name(v);
	if (c->log_level >= 0)
		return 0;
	snprintf(why, size,
		 "expected error, warning, notice, info or debug, "
		 "got '%s'",
		 v);
	return -EINVAL;
}

static int
config_set_url_template(struct config *c, const char *v, char *why, size_t size)
{
	int rc = url_template_check(v, why, size);

	if (rc != 0)
		return rc;
	c->url_template = strdup(v);
	return c->url_template ? 0 : -ENOMEM;
}

/* A group whose members may use the socket besides the daemon's user. */
static int
config_set_allow_group(struct config *c, const char *v, char *why, size_t size)
{
	if (getgrnam(v) == NULL) {
		snprintf(why, size, "no group named '%s'", v);
		return -EINVAL;
	}
	c->allow_group = strdup(v);
	return c->allow_group ? 0 : -ENOMEM;
}

/* The next event, or -EINVAL with the parser's complaint. */
static int
config_next(struct config_reader *r, yaml_event_t *event)
{
	if (yaml_parser_parse(&r->parser, event))
		return 0;
	if (r->parser.error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	return config_fail(r, r->parser.problem_mark.line + 1, "%s",
			   r->parser.problem ? r->parser.problem : "not YAML");
}

/* Reads the value event of key i and stores it. */
static int
config_value(struct config_reader *r, size_t i)
{
	const char *name = config_keys[i].name, *value;
	yaml_event_t event;
	char why[256];
	size_t line;
	int rc;

	rc = config_next(r, &event);
	if (rc != 0)
		return rc;
	line = event.start_mark.line + 1;
	value = (const char *)event.data.scalar.value;
	if (event.type != YAML_SCALAR_EVENT)
		rc = config_fail(r, line, "%s: expected a single value", name);
	else if (*value == '\0')
		rc = config_fail(r, line, "%s: expected a value", name);
	else if (r->seen & (1u << i))
		rc = config_fail(r, line, "%s: given twice", name);
	else if ((rc = config_keys[i].set(r->out, value, why, sizeof(why))) ==
		 -EINVAL)
		rc = config_fail(r, line, "%s: %s", name, why);
	r->seen |= 1u << i;
	yaml_event_delete(&event);
	return rc;
}

/* Reads one "key: value" pair, given the key's event. */
static int
config_pair(struct config_reader *r, const yaml_event_t *key)
{
	size_t line = key->start_mark.line + 1, i;
	const char *name;

	if (key->type != YAML_SCALAR_EVENT)
		return config_fail(r, line,
				   "expected a key such as "
				   "content:");
	name = (const char *)key->data.scalar.value;
	for (i = 0; i < CONFIG_KEY_COUNT; i++)
		if (strcmp(name, config_keys[i].name) == 0)
			return config_value(r, i);
	return config_fail(r, line,
			   "%s: unknown key (known: content, socket, db, "
			   "log_level, url_template, allow_group)",
			   name);
}

/* Reads the mapping's pairs up to and including its end. */
static int
config_mapping(struct config_reader *r)
{
	yaml_event_t event;
	int rc, end;

	do {
		rc = config_next(r, &event);
		if (rc != 0)
			return rc;
		end = event.type == YAML_MAPPING_END_EVENT;
		if (!end)
			rc = config_pair(r, &event);
		yaml_event_delete(&event);
	} while (rc == 0 && !end);
	return rc;
}

/*
 * Walks the stream: nothing at all (an empty or all-comment file), or one
 * document holding one mapping.
 */
static int
config_stream(struct config_reader *r)
{
	yaml_event_t event;
	int rc = 0, documents = 0, ended = 0;

	while (rc == 0 && !ended && (rc = config_next(r, &event)) == 0) {
		switch (event.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			ended = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1)
				rc = config_fail(r, event.start_mark.line + 1,
						 "expected one document");
			break;
		case YAML_MAPPING_START_EVENT:
			rc = config_mapping(r);
			break;
		default:
			rc = config_fail(r, event.start_mark.line + 1,
					 "expected keys such as content:");
		}
		yaml_event_delete(&event);
	}
	return rc;
}

int
config_load(const char *path, int must_exist, struct config *out, char **errmsg)
{
	struct config_reader r = {.path = path, .out = out, .errmsg = errmsg};
	FILE *f;
	int rc;

	memset(out, 0, sizeof(*out));
	out->log_level = -1;
	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		if (rc == -ENOENT && !must_exist)
			return 0;
		if (asprintf(errmsg, "%s: cannot read: %s", path,
			     strerror(-rc)) < 0)
			*errmsg = NULL;
		return rc;
	}
	if (!yaml_parser_initialize(&r.parser)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&r.parser, f);
	rc = config_stream(&r);
	yaml_parser_delete(&r.parser);
	fclose(f);
	if (rc != 0)
		config_clear(out);
	return rc;
}

void
config_clear(struct config *c)
{
	free(c->content);
	free(c->socket);
	free(c->db);
	free(c->url_template);
	free(c->allow_group);
	memset(c, 0, sizeof(*c));
	c->log_level = -1;
}
