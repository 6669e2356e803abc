#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# yaml-oracle.py FILE.yml EXPECT.json -- a second YAML parser (PyYAML)
# reads FILE as Spring Boot would flatten it and compares with EXPECT, the
# entries tlsdeck's reader found: [[doc, key, value], ...].  Floats and
# the few scalars YAML 1.1 parsers type differently are not compared by
# value (PyYAML is not SnakeYAML); every key is.  Exit 0 when they agree,
# 1 (with the difference on stderr) when not, 77 without PyYAML.
import json
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit(77)


class Loader(yaml.SafeLoader):
    pass


# Spring Boot leaves timestamps as text.
Loader.yaml_implicit_resolvers = {
    k: [(t, r) for (t, r) in v if not t.endswith(':timestamp')]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

SKIP = object()
# SnakeYAML 2 reads these as floats, PyYAML as text ("1e3").
SNAKE_FLOAT = re.compile(r'[-+]?[0-9_.]*[eE][-+]?[0-9]+')
# A key that is a float, as Java prints it: [1000.0], [NaN].
JAVA_FLOAT_KEY = re.compile(
    r'.*\[(-?[0-9]+\.[0-9]+(E-?[0-9]+)?|-?Infinity|NaN)\].*')


def scalar(v):
    if v is None:
        return ''
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return SKIP if SNAKE_FLOAT.fullmatch(v) else v
    return SKIP


def flat(out, path, v):
    if isinstance(v, dict):
        if not v:
            out[path] = ''
        for k, x in v.items():
            if isinstance(k, str) and not SNAKE_FLOAT.fullmatch(k):
                ks = k
            elif isinstance(k, str):
                ks = '[?]'
            else:
                s = scalar(k)
                ks = '[?]' if s is SKIP else '[' + s + ']'
            if not path:
                p = ks
            elif ks.startswith('['):
                p = path + ks
            else:
                p = path + '.' + ks
            flat(out, p, x)
    elif isinstance(v, list):
        if not v:
            out[path] = ''
        for i, x in enumerate(v):
            flat(out, '%s[%d]' % (path, i), x)
    else:
        out[path] = scalar(v)


def main():
    with open(sys.argv[1], 'rb') as f:
        docs = list(yaml.load_all(f, Loader=Loader))
    with open(sys.argv[2], encoding='utf-8') as f:
        ours = json.load(f)
    theirs = {}
    for i, d in enumerate(docs):
        m = {}
        if d is not None and d != '':
            flat(m, '' if isinstance(d, dict) else 'document', d)
        for k, v in m.items():
            theirs[(i, k)] = v
    mine = {(d, k): v for d, k, v in ours}
    bad = 0
    for key in sorted(set(theirs) | set(mine), key=str):
        if '[?]' in key[1] or JAVA_FLOAT_KEY.fullmatch(key[1]):
            continue
        a, b = theirs.get(key, None), mine.get(key, None)
        if a is None or b is None:
            print('%s: only %s reads %r' % (sys.argv[1],
                  'PyYAML' if b is None else 'tlsdeck', key),
                  file=sys.stderr)
            bad += 1
        elif a is not SKIP and a != b:
            print('%s: %r: PyYAML reads %r, tlsdeck %r' % (sys.argv[1],
                  key, a, b), file=sys.stderr)
            bad += 1
    sys.exit(1 if bad else 0)


main()
