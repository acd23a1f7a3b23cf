/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_JSON_H
#define ISMS_JSON_H

#include <stddef.h>

/*
 * The one JSON reader of isms: strict RFC 8259 for every JSON input (the
 * access policy, 'ismsctl import', the plugin configuration, catalogues,
 * risk matrices, spooled and stored evidence).  json-c's own tokener takes
 * comments, keeps the last of two equal member names and stops after the
 * first value, so it never sees untrusted text directly.
 *
 * Refused: comments, single quotes, trailing commas, NaN/Infinity and any
 * other bare word, leading zeros, '+' signs, unescaped control characters
 * in strings, invalid escapes, invalid UTF-8 (overlong forms, surrogates,
 * beyond U+10FFFF) anywhere, a byte order mark, unpaired surrogate escapes,
 * a NUL byte anywhere, anything but white space after the value, nesting
 * deeper than the depth cap, input longer than the size cap, integers
 * outside 64 bits, other numbers that overflow a double, and a member name
 * given twice in one object (compared after unescaping, so "\u0061llow"
 * is "allow").  Beyond RFC 8259, a member name must not contain U+0000:
 * json-c keeps names as C strings, so "a\u0000b" would read as "a".  U+0000
 * in a string value is kept (json_object_get_string_len() has it).
 *
 * Pure: no I/O, no globals, no logging; bounded in time and memory by the
 * input length and the caps, whatever the input.
 */

struct json_object;

#define ISMS_JSON_DEPTH_DEFAULT 64          /* nested arrays and objects */
#define ISMS_JSON_DEPTH_MAX     512         /* a larger max_depth is clamped to this */
#define ISMS_JSON_BYTES_DEFAULT (16u << 20) /* 16 MiB */
#define ISMS_JSON_BYTES_MAX     (1u << 30)  /* json-c string lengths are ints */

/* Caps; 0 in a field means its default.  NULL for all the defaults. */
struct isms_json_limits {
	size_t max_bytes;   /* input longer than this: -EFBIG */
	unsigned max_depth; /* 1: scalars and one flat array or object */
};

/* What was wrong, for callers that act on the kind rather than the text. */
enum isms_json_errkind {
	ISMS_JSON_E_NONE = 0,
	ISMS_JSON_E_SYNTAX,    /* anything not listed below */
	ISMS_JSON_E_EOF,       /* the text ends inside a value, or is empty */
	ISMS_JSON_E_TRAILING,  /* text after the value */
	ISMS_JSON_E_COMMENT,   /* '/' where a token should be */
	ISMS_JSON_E_DUPLICATE, /* a member name given twice; path names the second */
	ISMS_JSON_E_STRING,    /* control character, bad escape, surrogate, U+0000 in a name */
	ISMS_JSON_E_UTF8,      /* a byte sequence that is not well-formed UTF-8, or a BOM */
	ISMS_JSON_E_NUMBER,    /* leading zero, '+', missing digits, out of range */
	ISMS_JSON_E_NUL,       /* a NUL byte in the text */
	ISMS_JSON_E_DEPTH,     /* nested deeper than max_depth */
	ISMS_JSON_E_SIZE,      /* longer than max_bytes */
	ISMS_JSON_E_NOMEM,
};

struct isms_json_error {
	enum isms_json_errkind kind;
	size_t offset;   /* byte offset of the offending byte; the length at the end */
	unsigned line;   /* 1-based */
	unsigned column; /* 1-based, in characters (UTF-8 sequences) of that line */
	char path[192];  /* JSON path of the innermost value there: "$", "$.rules[2].allow",
			  * names that are not [A-Za-z0-9_-] as $["a b"]; cut with "..." */
	char msg[128];   /* "comments are not allowed", "member given twice", ... */
};

/*
 * Parse the @len bytes at @text (need not be NUL-terminated; a NUL byte
 * inside @len is an error) as exactly one JSON value of any type, under
 * @limits (NULL: defaults).  Returns 0 and sets *ret_obj to a new json-c
 * object the caller puts with json_object_put() (NULL for the JSON value
 * null).  Otherwise leaves *ret_obj untouched, fills *err when it is not
 * NULL, and returns -EINVAL (malformed; err->kind says how), -EFBIG (larger
 * than the size cap) or -ENOMEM.  On success *err is left untouched.
 */
int isms_json_parse(const char *text, size_t len, const struct isms_json_limits *limits,
		    struct json_object **ret_obj, struct isms_json_error *err)
	__attribute__((warn_unused_result, nonnull(1, 4)));

/* isms_json_parse() without keeping the value: 0, -EINVAL, -EFBIG, -ENOMEM. */
int isms_json_check(const char *text, size_t len, const struct isms_json_limits *limits,
		    struct isms_json_error *err) __attribute__((warn_unused_result, nonnull(1)));

/*
 * "line L, column C (byte N), at PATH: MSG" into @buf of @len bytes
 * (NUL-terminated, cut if it must be), for callers' messages.
 */
void isms_json_error_text(const struct isms_json_error *err, char *buf, size_t len)
	__attribute__((nonnull(1)));

#endif
