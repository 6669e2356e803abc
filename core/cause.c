/* SPDX-License-Identifier: ISC */
/* cause.c -- one-line error messages, with the OpenSSL error queue drained. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core.h"

/* Set *cause from fmt if nothing is set yet. */
static void
cause_vset(char **cause, const char *fmt, va_list ap)
{
	if (cause == NULL || *cause != NULL)
		return;
	xvasprintf(cause, fmt, ap);
}

void
cause_set(char **cause, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cause_vset(cause, fmt, ap);
	va_end(ap);
}

/* The reason string of the most relevant queued OpenSSL error. */
static void
cause_ssl_reason(char *buf, size_t len)
{
	unsigned long	e, last = 0;
	const char	*r;

	while ((e = ERR_get_error()) != 0)
		last = e;
	buf[0] = '\0';
	if (last == 0)
		return;
	r = ERR_reason_error_string(last);
	if (r != NULL)
		snprintf(buf, len, "%s", r);
	else
		snprintf(buf, len, "OpenSSL error %lx", last);
}

void
cause_ssl(char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, reason[256];

	cause_ssl_reason(reason, sizeof reason);
	if (cause == NULL || *cause != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (reason[0] != '\0') {
		xasprintf(cause, "%s: %s", msg, reason);
		free(msg);
	} else
		*cause = msg;
}

void
cause_prefix(char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*pre, *s;

	if (cause == NULL || *cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&pre, fmt, ap);
	va_end(ap);
	xasprintf(&s, "%s: %s", pre, *cause);
	free(pre);
	free(*cause);
	*cause = s;
}

/* s, or its shortened form in buf (see core.h). */
const char *
cause_short(const char *s, char *buf, size_t size)
{
	char	tail[32];
	size_t	len, keep;

	len = strlen(s);
	if (len < size)
		return (s);
	snprintf(tail, sizeof tail, "...(%zu bytes)", len);
	keep = size - strlen(tail) - 1;
	/* Back to the start of a UTF-8 character. */
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(buf, s, keep);
	memcpy(buf + keep, tail, strlen(tail) + 1);
	return (buf);
}

void
cause_ssl_clear(void)
{
	ERR_clear_error();
}
