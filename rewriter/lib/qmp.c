/* A QMP client just big enough for one human monitor command: messages
 * are JSON objects, one a line; replies start with {"return" or
 * {"error"; asynchronous {"event" lines come between and are skipped. */
#include "qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct conversation {
	int fd;
	uint64_t deadline_ns;
	char buf[1 << 16];	/* the current line */
	size_t len;
	char *big;		/* a line longer than buf (a register dump) */
	size_t big_len;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int send_all(struct conversation *q, const char *msg, struct rw_error *err)
{
	size_t done = 0, len = strlen(msg);

	while (done < len) {
		/* MSG_NOSIGNAL: a QEMU that died must not kill us by SIGPIPE. */
		ssize_t n = send(q->fd, msg + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rw_fail(err, "QMP: cannot send: %s", strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

/* Appends n bytes to the line being read. */
static int line_add(struct conversation *q, const char *p, size_t n)
{
	char *grown = realloc(q->big, q->big_len + n + 1);

	if (!grown)
		return -1;
	q->big = grown;
	memcpy(q->big + q->big_len, p, n);
	q->big_len += n;
	q->big[q->big_len] = 0;
	return 0;
}

/* The next whole line into q->big (without its \r\n): 0, or -1 at the
 * deadline, at end of file or on error. */
static int line_read(struct conversation *q, struct rw_error *err)
{
	q->big_len = 0;
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			size_t n = (size_t)(nl - q->buf);

			if (line_add(q, q->buf, n) < 0)
				return rw_fail(err, "QMP: out of memory");
			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			if (q->big_len && q->big[q->big_len - 1] == '\r')
				q->big[--q->big_len] = 0;
			return 0;
		}
		if (q->len == sizeof(q->buf)) {
			if (line_add(q, q->buf, q->len) < 0)
				return rw_fail(err, "QMP: out of memory");
			q->len = 0;
		}
		uint64_t now = now_ns();
		if (now >= q->deadline_ns)
			return rw_fail(err, "QMP: no answer in time");
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		int ms = (int)((q->deadline_ns - now + 999999) / 1000000);
		int r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue; /* the deadline check above ends it */
		ssize_t n = recv(q->fd, q->buf + q->len, sizeof(q->buf) - q->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rw_fail(err, "QMP: the monitor closed%s%s",
				       n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
		q->len += (size_t)n;
	}
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads lines until one that starts with want (events skipped); an
 * {"error" line fails. */
static int reply_read(struct conversation *q, const char *want, const char *step,
		      struct rw_error *err)
{
	for (;;) {
		if (line_read(q, err) < 0)
			return rw_wrap(err, "%s: ", step);
		if (starts(q->big, want))
			return 0;
		if (starts(q->big, "{\"error\""))
			return rw_fail(err, "QMP: %s: %.300s", step, q->big);
	}
}

char *qmp_json_string(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n + 1);

	if (!out || s[0] != '"') {
		free(out);
		return NULL;
	}
	for (size_t i = 1; i < n; i++) {
		char c = s[i];

		if (c == '"') {
			out[o] = 0;
			return out;
		}
		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		if (++i >= n)
			break;
		switch (s[i]) {
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'u': {
			unsigned v = 0;

			if (i + 4 >= n || sscanf(s + i + 1, "%4x", &v) != 1) {
				free(out);
				return NULL;
			}
			out[o++] = v && v < 0x80 ? (char)v : '?';
			i += 4;
			break;
		}
		default: out[o++] = s[i]; break; /* \" \\ \/ */
		}
	}
	free(out);
	return NULL;
}

int qmp_human_command(int fd, const char *command, uint64_t deadline_ns,
		      char **text, struct rw_error *err)
{
	static const char ret[] = "{\"return\": ";
	struct conversation *q = calloc(1, sizeof(*q));
	char msg[512];
	int rc = -1;

	*text = NULL;
	if (!q)
		return rw_fail(err, "QMP: out of memory");
	q->fd = fd;
	q->deadline_ns = deadline_ns;
	/* The command is ours ("info registers -a"): no quotes to escape. */
	snprintf(msg, sizeof(msg),
		 "{\"execute\": \"human-monitor-command\", \"arguments\": "
		 "{\"command-line\": \"%s\"}}\n", command);
	if (reply_read(q, "{\"QMP\"", "greeting", err) < 0 ||
	    send_all(q, "{\"execute\": \"qmp_capabilities\"}\n", err) < 0 ||
	    reply_read(q, ret, "qmp_capabilities", err) < 0 ||
	    send_all(q, msg, err) < 0 ||
	    reply_read(q, ret, command, err) < 0)
		goto out;
	*text = qmp_json_string(q->big + strlen(ret));
	if (!*text)
		rw_fail(err, "QMP: %s: the answer is not a string: %.200s", command,
			q->big);
	else
		rc = 0;
out:
	free(q->big);
	free(q);
	return rc;
}
