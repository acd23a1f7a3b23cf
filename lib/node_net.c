/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses and networks of the node registry: parsed into one 16-byte
 * form (IPv4 mapped into IPv6) so that one comparison serves both, since
 * auditd writes a sender's address as its listening socket saw it (an IPv4
 * sender of a dual-stack listener is ::ffff:a.b.c.d).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/node.h"

static void map_v4(uint8_t out[16], const struct in_addr *a)
{
	memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	memcpy(out + 12, &a->s_addr, 4);
}

/* Whether the bits of @a beyond @prefix are all zero. */
static bool host_bits_clear(const uint8_t a[16], unsigned prefix)
{
	for (unsigned bit = prefix; bit < 128; bit++)
		if (a[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

static bool prefix_equal(const uint8_t a[16], const uint8_t b[16], unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xffu << (8 - rest))) == 0;
}

int isms_node_net_parse(const char *in, struct isms_node_net *ret, char *err, size_t errlen)
{
	char buf[64], *slash, *end;
	struct in_addr a4;
	struct in6_addr a6;
	unsigned long plen = 0;
	bool v4;

	if (!in || !*in || strlen(in) >= sizeof(buf)) {
		snprintf(err, errlen, "'%.64s' is not an address or network", in ? in : "");
		return -EINVAL;
	}
	strcpy(buf, in);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		v4 = true;
		map_v4(ret->addr, &a4);
	} else if (inet_pton(AF_INET6, buf, &a6) == 1) {
		v4 = false;
		memcpy(ret->addr, a6.s6_addr, 16);
	} else {
		snprintf(err, errlen, "'%.64s' is not an IPv4 or IPv6 address", buf);
		return -EINVAL;
	}
	if (slash) {
		errno = 0;
		if (!isdigit((unsigned char)*slash) || strlen(slash) > 3)
			goto bad_prefix;
		plen = strtoul(slash, &end, 10);
		if (*end || plen > (v4 ? 32u : 128u))
			goto bad_prefix;
	} else {
		plen = v4 ? 32 : 128;
	}
	ret->prefix = (unsigned)plen + (v4 ? 96u : 0u);
	if (!host_bits_clear(ret->addr, ret->prefix)) {
		snprintf(err, errlen, "'%.64s': bits are set beyond the /%lu prefix (the network is"
				      " written with its host part zero)", in, plen);
		return -EINVAL;
	}
	return 0;
bad_prefix:
	snprintf(err, errlen, "'%.64s': the prefix length must be 0..%u", in, v4 ? 32u : 128u);
	return -EINVAL;
}

bool isms_node_net_contains(const struct isms_node_net *net, const struct isms_node_net *addr)
{
	return addr->prefix >= net->prefix && prefix_equal(net->addr, addr->addr, net->prefix);
}

bool isms_node_net_overlap(const struct isms_node_net *a, const struct isms_node_net *b)
{
	return prefix_equal(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
}

int isms_node_nets_parse(const char *in, struct isms_node_net *ret, size_t *ret_n, char *err,
			 size_t errlen)
{
	size_t n = 0;
	const char *p = in ? in : "";

	if (strlen(p) > ISMS_NODE_ADDRESSES_MAX) {
		snprintf(err, errlen, "addresses: longer than %d bytes", ISMS_NODE_ADDRESSES_MAX);
		return -EINVAL;
	}
	while (*p) {
		char item[64];
		const char *e = strchr(p, ','), *b = p;
		size_t len;

		if (!e)
			e = p + strlen(p);
		while (b < e && *b == ' ')
			b++;
		len = (size_t)(e - b);
		while (len && b[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof(item)) {
			snprintf(err, errlen, "addresses: an empty or overlong item in '%.64s'", in);
			return -EINVAL;
		}
		if (n == ISMS_NODE_NETS_MAX) {
			snprintf(err, errlen, "addresses: more than %d networks", ISMS_NODE_NETS_MAX);
			return -EINVAL;
		}
		memcpy(item, b, len);
		item[len] = '\0';
		if (isms_node_net_parse(item, &ret[n], err, errlen) < 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++)
			if (isms_node_net_overlap(&ret[i], &ret[n])) {
				snprintf(err, errlen, "addresses: '%.64s' overlaps an earlier item", item);
				return -EINVAL;
			}
		n++;
		p = *e ? e + 1 : e;
		if (*e && !*p) {
			snprintf(err, errlen, "addresses: a trailing comma in '%.64s'", in);
			return -EINVAL;
		}
	}
	*ret_n = n;
	return 0;
}

int isms_node_addresses_check(const char *in, char *err, size_t errlen)
{
	struct isms_node_net *nets = calloc(ISMS_NODE_NETS_MAX, sizeof(*nets));
	size_t n;
	int r;

	if (!nets)
		return -ENOMEM;
	r = isms_node_nets_parse(in, nets, &n, err, errlen);
	free(nets);
	return r;
}

int isms_node_name_check(const char *in, char *err, size_t errlen)
{
	size_t len = strlen(in);

	if (len == 0 || len > 255) {
		snprintf(err, errlen, "name: 1 to 255 bytes, as auditd's name_format writes it");
		return -EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)in; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\'' || *p == '=') {
			snprintf(err, errlen, "name: '%.64s' has a character auditd's node= never"
					      " carries (space, control, quote or '=')", in);
			return -EINVAL;
		}
	return 0;
}
