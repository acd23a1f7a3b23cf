/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keyed evidence: an HMAC over the chain's head with a key kept off the
 * store, so that rewriting the chain takes the key and not only the format.
 * The chain hash stays unkeyed, so plain verification keeps working for
 * readers without the key; the key adds what the plain chain cannot prove.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "evidence_internal.h"

#define KEY_ID_SETTING   "evidence.key_id"
#define KEY_PATH_SETTING "evidence.key_path"
#define HEAD_MAC_SETTING "evidence.head_mac"
#define MAC_DOMAIN       "isms-evidence-head-v1:"
#define KEY_ID_DOMAIN    "isms-evidence-key-id-v1:"

static const char hexd[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexd[in[i] >> 4];
		out[2 * i + 1] = hexd[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int from_hex(const char *in, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *a = strchr(hexd, in[2 * i]), *b = strchr(hexd, in[2 * i + 1]);

		if (!in[2 * i] || !in[2 * i + 1] || !a || !b)
			return -EINVAL;
		out[i] = (unsigned char)((a - hexd) << 4 | (b - hexd));
	}
	return 0;
}

static int key_id(const unsigned char key[32], char id[17])
{
	unsigned char buf[sizeof(KEY_ID_DOMAIN) - 1 + 32], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int r = -EIO;

	memcpy(buf, KEY_ID_DOMAIN, sizeof(KEY_ID_DOMAIN) - 1);
	memcpy(buf + sizeof(KEY_ID_DOMAIN) - 1, key, 32);
	if (EVP_Digest(buf, sizeof(buf), md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen >= 8) {
		to_hex(md, 8, id);
		r = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}

/* Read the key file at @path into @key: the checks of isms_evidence_key_use(). */
static int key_read(const char *path, unsigned char key[32])
{
	char buf[130];
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	/* A key others can read or replace keys nothing. */
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & 077)) {
		r = -EPERM;
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		r = -errno;
		goto out;
	}
	if (!(n == 64 || (n == 65 && buf[64] == '\n')) || from_hex(buf, 32, key) < 0)
		r = -EINVAL;
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return r;
}

int isms_evidence_key_create(const char *path)
{
	unsigned char key[32];
	char line[66];
	int fd, r = 0;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return -EIO;
	to_hex(key, sizeof(key), line);
	line[64] = '\n';
	line[65] = '\0';
	explicit_bzero(key, sizeof(key));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	/* The mode the umask may have narrowed, never widened; make sure of 0400. */
	if (fchmod(fd, 0400) < 0 || write(fd, line, 65) != 65 || fsync(fd) < 0) {
		r = errno ? -errno : -EIO;
		close(fd);
		unlink(path);
		goto out;
	}
	if (close(fd) < 0)
		r = -errno;
out:
	explicit_bzero(line, sizeof(line));
	return r;
}

static int load(struct isms_store *s, const char *path)
{
	unsigned char key[32];
	int r = key_read(path, key);

	if (r < 0)
		return r;
	r = key_id(key, s->evkey_id);
	if (r >= 0) {
		memcpy(s->evkey, key, sizeof(key));
		s->evkey_loaded = true;
	}
	explicit_bzero(key, sizeof(key));
	return r;
}

int isms_evidence_key_use(struct isms_store *s, const char *path)
{
	int r = load(s, path);

	if (r < 0)
		return store_seterr(s, r, "cannot use the evidence key '%s': %s", path,
				    r == -EPERM ? "it must be a regular file owned by root with no"
						  " group or other permissions" :
				    r == -EINVAL ? "not a key file (64 hex digits)" : strerror(-r));
	s->evkey_given = true;
	return 0;
}

/* A setting's value, or NULL when unset (*ret malloc'd). */
static int setting(struct isms_store *s, const char *key, char **ret)
{
	int r = isms_setting_get(s, key, ret);

	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	return r;
}

int isms_evidence_keying(struct isms_store *s, char id[17], char *path, size_t len)
{
	char *kid = NULL, *kpath = NULL;
	int r = setting(s, KEY_ID_SETTING, &kid);

	if (r >= 0)
		r = setting(s, KEY_PATH_SETTING, &kpath);
	if (r >= 0) {
		r = kid != NULL;
		snprintf(id, 17, "%s", kid ? kid : "");
		snprintf(path, len, "%s", kpath ? kpath : "");
	}
	free(kid);
	free(kpath);
	return r;
}

static int head_mac(const unsigned char key[32], int64_t pk, const char *hash, char out[65])
{
	char msg[128];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n = snprintf(msg, sizeof(msg), MAC_DOMAIN "%" PRId64 ":%s", pk, hash);

	if (n < 0 || (size_t)n >= sizeof(msg))
		return -EINVAL;
	if (!HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg, (size_t)n, md, &mdlen) ||
	    mdlen != 32)
		return -EIO;
	to_hex(md, 32, out);
	return 0;
}

/* The key for a keyed store with id @id whose recorded path is @path. */
static int need_key(struct isms_store *s, const char *id, const char *path)
{
	int r = 0;

	if (!s->evkey_loaded) {
		r = path[0] ? load(s, path) : -ENOENT;
		if (r < 0)
			return store_seterr(s, -ENOKEY,
					    "the evidence chain is keyed (key %s) but its key '%s' cannot"
					    " be read: %s; nothing appended",
					    id, path, r == -EPERM ? "insecure key file" : strerror(-r));
	}
	if (strcmp(s->evkey_id, id) != 0)
		return store_seterr(s, -ENOKEY,
				    "the evidence chain is keyed with key %s, not with key %s; nothing"
				    " appended",
				    id, s->evkey_id);
	return 0;
}

/*
 * The keyed MAC the head (@pk, @hash) must carry: 1 with @mac and @id set on
 * a keyed store, 0 on an unkeyed one, or -errno (-ENOKEY without the key).
 */
static int keyed_head_mac(struct isms_store *s, int64_t pk, const char *hash, char id[17],
			  char mac[65])
{
	char path[4096];
	int r = isms_evidence_keying(s, id, path, sizeof(path));

	if (r <= 0)
		return r;
	r = need_key(s, id, path);
	if (r >= 0)
		r = head_mac(s->evkey, pk, hash, mac);
	return r < 0 ? r : 1;
}

int evidence_head_holds(struct isms_store *s, int64_t pk, const char *hash)
{
	char id[17], mac[65], *stored = NULL;
	int r = keyed_head_mac(s, pk, hash, id, mac);

	if (r <= 0)
		return r;
	r = setting(s, HEAD_MAC_SETTING, &stored);
	if (r >= 0 && (!stored || strlen(stored) != 64 || memcmp(stored, mac, 64) != 0))
		r = store_seterr(s, -EBADMSG,
				 "the evidence head's keyed MAC does not match (key %s): the chain was"
				 " changed without the key; nothing appended, see 'ismsctl verify'",
				 id);
	free(stored);
	return r < 0 ? r : 0;
}

int evidence_seal_head(struct isms_store *s, int64_t pk, const char *hash)
{
	char id[17], mac[65];
	int r = keyed_head_mac(s, pk, hash, id, mac);

	if (r <= 0)
		return r;
	return isms_setting_set(s, HEAD_MAC_SETTING, mac);
}

int isms_evidence_key_enable(struct isms_store *s, const char *path)
{
	char id[17], cur[4096];
	int64_t pk;
	char *hash = NULL;
	sqlite3_stmt *st = NULL;
	int r;

	if (path[0] != '/')
		return store_seterr(s, -EINVAL, "the evidence key path '%s' is not absolute", path);
	r = isms_evidence_key_use(s, path);
	if (r < 0)
		return r;
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_evidence_keying(s, id, cur, sizeof(cur));
	if (r == 1 && strcmp(id, s->evkey_id) != 0)
		r = store_seterr(s, -EEXIST, "the store is already keyed with key %s", id);
	if (r >= 0)
		r = isms_setting_set(s, KEY_ID_SETTING, s->evkey_id);
	if (r >= 0)
		r = isms_setting_set(s, KEY_PATH_SETTING, path);
	if (r >= 0)
		r = store_prepare(s, "SELECT last_pk, last_hash FROM evidence_head WHERE one = 1",
				  &st);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOTRECOVERABLE, "the evidence head record is missing");
	if (r > 0) {
		pk = sqlite3_column_int64(st, 0);
		hash = strdup((const char *)sqlite3_column_text(st, 1));
		r = hash ? evidence_seal_head(s, pk, hash) : -ENOMEM;
	}
	sqlite3_finalize(st);
	free(hash);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

int evidence_verify_keyed(struct isms_store *s, int64_t pk, const char *hash,
			  struct isms_verify_result *ret)
{
	char id[17], path[4096], mac[65], *stored = NULL;
	int r = isms_evidence_keying(s, id, path, sizeof(path));

	if (r < 0)
		return r;
	if (r == 0) {
		ret->keyed = ISMS_VERIFY_UNKEYED;
		if (s->evkey_given) {
			snprintf(ret->reason, sizeof(ret->reason),
				 "a key was given but the store is not keyed: its keyed marker was"
				 " removed, or this is another store");
			return -EBADMSG;
		}
		return 0;
	}
	snprintf(ret->key_id, sizeof(ret->key_id), "%s", id);
	if (!s->evkey_loaded && (r = load(s, path)) < 0) {
		ret->keyed = ISMS_VERIFY_KEY_MISSING;
		snprintf(ret->note, sizeof(ret->note),
			 "the store is keyed (key %s) but its key '%.160s' cannot be read (%.40s):"
			 " only the unkeyed chain was checked",
			 id, path, r == -EPERM ? "insecure key file" : strerror(-r));
		return 0;
	}
	if (strcmp(s->evkey_id, id) != 0) {
		snprintf(ret->reason, sizeof(ret->reason),
			 "the store is keyed with key %s, the key given is %s", id, s->evkey_id);
		return -EBADMSG;
	}
	r = head_mac(s->evkey, pk, hash, mac);
	if (r >= 0)
		r = setting(s, HEAD_MAC_SETTING, &stored);
	if (r < 0)
		return r;
	if (!stored || strlen(stored) != 64 || memcmp(stored, mac, 64) != 0) {
		snprintf(ret->reason, sizeof(ret->reason),
			 "the head's keyed MAC does not match: the chain was recomputed, cut or"
			 " extended without the key (key %s)",
			 id);
		r = -EBADMSG;
	} else {
		ret->keyed = ISMS_VERIFY_KEY_CHECKED;
		r = 0;
	}
	free(stored);
	return r;
}
