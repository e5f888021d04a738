#!/usr/bin/env python3
"""Compacts mkvantage.sh's expected.json into what tests/test_vantage.c
reads, per scenario NAME (A = the client file, B = the server file):

  NAME-truth.csv   dir,frame_a,frame_b,owd_ns,seen,whole,flow,flags
                   one row per segment, or per piece of a TSO whole (the
                   whole's frame on each of its rows); frame empty where
                   that tap did not see it; seen both/client/server;
                   whole a/b/empty
  NAME-clock.csv   offset_ns,skew_ppm,offset_lo_ns,offset_hi_ns,
                   symmetric_offset_ns,min_rtt_ns,flows_both,lost,paired

Usage: mktruth.py expected.json OUTDIR
"""
import json, sys

d = json.load(open(sys.argv[1]))
out = sys.argv[2]
for name, s in d["scenarios"].items():
    rows = []
    flows_both = 0
    for f in s["flows"]:
        both = False
        for seg in f["segments"]:
            dirn, flags, fc, fs, owd, seen = seg[0], seg[4], seg[8], seg[9], seg[12], seg[13]
            whole = {"whole_at_client": "a", "whole_at_server": "b"}.get(seg[14] if len(seg) > 14 else "", "")
            both = both or seen == "both"
            if isinstance(fc, list) or isinstance(fs, list):
                pieces = fc if isinstance(fc, list) else fs
                for i, p in enumerate(pieces):
                    a = p if isinstance(fc, list) else fc
                    b = p if isinstance(fs, list) else fs
                    rows.append((dirn, a, b, owd[i], seen, whole, f["id"], flags))
            else:
                rows.append((dirn, fc if fc is not None else "", fs if fs is not None else "",
                             owd if owd is not None else "", seen, whole, f["id"], flags))
        flows_both += both
    with open(f"{out}/{name}-truth.csv", "w") as t:
        for r in rows:
            t.write(",".join(str(x) for x in r) + "\n")
    c = s["clock"]
    lost = sum(1 for r in rows if r[4] != "both")
    paired = sum(1 for r in rows if r[4] == "both")
    with open(f"{out}/{name}-clock.csv", "w") as t:
        t.write(",".join(str(x) for x in (c["offset_ns"], c["skew_ppm"], c["offset_bounds_ns"][0],
                                            c["offset_bounds_ns"][1], c["symmetric_offset_ns"],
                                            c["min_rtt_between_taps_ns"], flows_both, lost, paired)) + "\n")
