#!/usr/bin/env python3
"""Buckets the samples of a `perf record -g` profile of one process into what the CPU did.

Usage:
    perf record -F 2999 -g -p <pid of camunda-bench> -o prof.data -- sleep 6
    perf script -i prof.data | scripts/perf-breakdown.py [--us-per-job 47.0]

Each sample's call stack is matched against the rules below (see RULES for how). With
`--us-per-job` the shares are also given in µs per job.
"""
import argparse
import re
import sys
from collections import Counter

# (bucket, kind, pattern). "stack" rules are tried frame by frame from the sampled frame outwards, and
# the innermost frame that matches one of them names the bucket (a `malloc` under the JSON parser is
# JSON decoding; a socket write issued from inside the HTTP decoder's callback is a socket write).
# Samples that no stack rule claims go to the first "leaf" rule matching the sampled frame.
RULES = [
    ("waiting, waking and switching threads (epoll, futex, eventfd, scheduler)", "stack",
     r"epoll_wait|futex|finish_task_switch|\b__schedule\b|try_to_wake_up|wakeupSelector|eventfd|_dispatch_semaphore|pthread_cond"),
    ("socket writes (syscall, kernel TCP, loopback delivery)", "stack", r"__GI___libc_write|\bwritev\b|sock_write_iter|tcp_sendmsg"),
    ("socket reads (syscall, kernel TCP)", "stack", r"\bread\b|__libc_read|sock_read_iter|tcp_recvmsg"),
    ("JSON decoding (parse + typed decode)", "stack",
     r"JSONParser|NodeDecodable|decodeBody|JSONValueDecoder|JSONNode.*dictionary|6decode4node"),
    ("JSON encoding", "stack", r"TreeEncoder|JSONTreeWriter|NodeEncodable|jsonBody|EncodedObject"),
    ("the benchmark's own code (the floor's loop and key scanning, the handler)", "stack", r"camunda_bench|NIOFloor|FloorConnection"),
    ("HTTP/1.1 response parsing (NIOHTTP1, llhttp)", "stack", r"llhttp|HTTPDecoder|BetterHTTPParser|HTTP1ResponseDecoding"),
    ("Swift concurrency runtime (tasks, continuations, executors)", "leaf",
     r"libswift_Concurrency|libdispatch|swift_task|swift_job|swift::AsyncTask|swift_continuation"),
    ("allocation (malloc, free)", "leaf", r"malloc|_int_free|cfree|\bfree\b|unlink_chunk|malloc_consolidate"),
    ("reference counting (retain, release)", "leaf", r"swift_retain|swift_release|swift_bridgeObject|doDecrementSlow|swift_isUniquelyReferenced"),
    ("Swift runtime (metadata, casts, exclusivity)", "leaf", r"libswiftCore|__tls_get_addr|ld-linux"),
    ("other kernel (page faults, timers, interrupts)", "leaf", r"kernel\.kallsyms|\[k\]|vdso"),
]
COMPILED = [(name, where, re.compile(pattern)) for name, where, pattern in RULES]
OTHER = "other user-space code (SDK, NIO, Foundation)"


def samples(stream):
    """Yields each sample's frames (leaf first) from `perf script` output."""
    frames = []
    for line in stream:
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line.startswith((" ", "\t")):
            frames.append(line.strip())
        else:
            if frames:
                yield frames
            frames = []
    if frames:
        yield frames


def bucket(frames):
    for frame in frames:
        for name, where, pattern in COMPILED:
            if where == "stack" and pattern.search(frame):
                return name
    leaf = frames[0] if frames else ""
    for name, where, pattern in COMPILED:
        if where == "leaf" and pattern.search(leaf):
            return name
    return OTHER


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--us-per-job", type=float, help="the run's CPU µs per job, to turn shares into µs")
    parser.add_argument("--label", default="", help="a title for the table")
    args = parser.parse_args()
    counts = Counter(bucket(frames) for frames in samples(sys.stdin))
    total = sum(counts.values())
    if total == 0:
        sys.exit("no samples")
    print(f"{args.label} ({total} samples)" if args.label else f"{total} samples")
    for name, count in counts.most_common():
        share = count / total
        extra = f"  {share * args.us_per_job:6.1f} µs/job" if args.us_per_job else ""
        print(f"{share * 100:6.1f} %{extra}  {name}")


if __name__ == "__main__":
    main()
