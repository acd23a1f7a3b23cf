/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node registry's addresses (isms_node_nets_parse: what `ismsctl node
 * add --addresses` takes and audisp-isms reads back from the store) and
 * names on any bytes: a list accepted has no host bits set beyond any
 * prefix, no two of its networks overlap, every network contains its own
 * address and a sender's address is matched as the registry does it; a
 * refusal always says why.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "isms/node.h"

#define FUZZ_MAX (8u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct isms_node_net nets[ISMS_NODE_NETS_MAX];
	struct isms_node node = {.name = "n", .nets = nets};
	struct isms_node_registry reg = {.node = &node, .n = 1};
	char err[256] = "", *in;
	size_t n = 0;
	int r;

	if (size > FUZZ_MAX)
		return 0;
	in = fuzz_strndup(data, size);
	CHECK(in);
	r = isms_node_nets_parse(in, nets, &n, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		CHECK(err[0]);
	} else {
		CHECK(n <= ISMS_NODE_NETS_MAX);
		node.nnets = n;
		for (size_t i = 0; i < n; i++) {
			struct isms_node_net a = nets[i];

			CHECK(nets[i].prefix <= 128);
			/* the network's own (first) address is in it, as a sender */
			a.prefix = 128;
			CHECK(isms_node_net_contains(&nets[i], &a));
			for (size_t j = 0; j < i; j++)
				CHECK(!isms_node_net_overlap(&nets[i], &nets[j]));
		}
	}
	/* the input as one sender's address, and as a name */
	if (isms_node_for_address(&reg, in))
		CHECK(n > 0 && isms_node_has_address(&node, in));
	err[0] = '\0';
	r = isms_node_name_check(in, err, sizeof(err));
	CHECK(r == 0 || (r == -EINVAL && err[0]));
	free(in);
	return 0;
}
