#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make a large audit log from a small recorded one, for the plugin benchmark.

  gen_audit_log.py SEED.stream RECORDS OUT.log OUT.stream [--mix K:U:S]
                   [--node NAME] [--start SECONDS]

SEED.stream is what a plugin read from the real auditd (string format, with
EOE records).  Its events are sorted into three kinds: keyed syscall events
(a SYSCALL with key=, typically SYSCALL+CWD+PATH+PROCTITLE), user-space events
(USER_*, CRED_*: one record, no EOE) and unkeyed syscall events (key=(null)).
Other events (DAEMON_*, CONFIG_CHANGE, ...) are left out.

Events are then replayed round-robin within each kind, the kinds interleaved
in the ratio K:U:S (events; default 4:3:3), each copy with its own timestamp
(1 ms apart, increasing) and serial, until the log holds at least RECORDS
records not counting EOE.  Two files are written from the same events:
OUT.log as auditd writes its disk log (no EOE) and OUT.stream as auditd's
dispatcher hands it to a plugin (with the EOE of each kernel event).

--node NAME writes each record as a host with name_format = user writes it,
"node=NAME " first (a node= of the seed's is replaced); --start SECONDS
stamps the first event at that time (default: the seed's first second), as a
host whose clock differs from another's would.

Prints: events N records N stream_lines N keyed N user N unkeyed N
"""
import re
import sys

TS = re.compile(rb"msg=audit\((\d+)\.(\d+):(\d+)\):")


def load(path):
    """Events of the seed in order of their first record, each a list of
    (text before the stamp, text after it, record type); and the first second."""
    events = {}
    order = []
    first_sec = None
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            m = TS.search(line)
            if not m:
                continue
            if first_sec is None:
                first_sec = int(m.group(1))
            key = (line[: line.find(b"type=")], m.group(1), m.group(2), m.group(3))
            rtype = line[line.find(b"type=") + 5 :].split(b" ", 1)[0]
            if key not in events:
                events[key] = []
                order.append(key)
            events[key].append((line[: m.start()], line[m.end() :], rtype))
    return [events[k] for k in order], first_sec


def kind(ev):
    first = ev[0][2]
    if first == b"SYSCALL":
        raw = ev[0][1].split(b"\x1d", 1)[0]
        m = re.search(rb" key=(\S+)", raw)
        if m and m.group(1) != b"(null)":
            return "keyed"
        return "unkeyed"
    if first.startswith(b"USER_") or first.startswith(b"CRED_"):
        return "user"
    return None


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    seed, want, out_log, out_stream = argv[1], int(argv[2]), argv[3], argv[4]
    mix = (4, 3, 3)
    node = start = None
    opts = argv[5:]
    while opts:
        if len(opts) < 2 or opts[0] not in ("--mix", "--node", "--start"):
            sys.stderr.write(__doc__)
            return 2
        if opts[0] == "--mix":
            mix = tuple(int(x) for x in opts[1].split(":"))
        elif opts[0] == "--node":
            node = b"node=" + opts[1].encode() + b" "
        else:
            start = int(opts[1])
        opts = opts[2:]
    pools = {"keyed": [], "user": [], "unkeyed": []}
    seed_events, first_sec = load(seed)
    for ev in seed_events:
        k = kind(ev)
        if k:
            pools[k].append(ev)
    for k, p in pools.items():
        if not p:
            sys.stderr.write("gen_audit_log: the seed has no %s events\n" % k)
            return 1
    # One round: K keyed, U user, S unkeyed events, interleaved evenly.
    slots = []
    for k, n in zip(("keyed", "user", "unkeyed"), mix):
        slots += [(i / n, k) for i in range(n)]
    slots = [k for _, k in sorted(slots)]
    nxt = {k: 0 for k in pools}
    count = {k: 0 for k in pools}
    sec0 = first_sec if start is None else start
    events = records = lines = 0
    with open(out_log, "wb", buffering=1 << 20) as log, open(out_stream, "wb", buffering=1 << 20) as st:
        while records < want:
            for k in slots:
                ev = pools[k][nxt[k] % len(pools[k])]
                nxt[k] += 1
                count[k] += 1
                ms = events
                stamp = b"msg=audit(%d.%03d:%d):" % (sec0 + ms // 1000, ms % 1000, 1000 + events)
                events += 1
                for pre, post, rtype in ev:
                    if node is not None:
                        pre = node + re.sub(rb"^node=\S+ ", b"", pre)
                    line = pre + stamp + post + b"\n"
                    st.write(line)
                    lines += 1
                    if rtype != b"EOE":
                        log.write(line)
                        records += 1
                if records >= want:
                    break
    print("events %d records %d stream_lines %d keyed %d user %d unkeyed %d"
          % (events, records, lines, count["keyed"], count["user"], count["unkeyed"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
