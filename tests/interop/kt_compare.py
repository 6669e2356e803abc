#!/usr/bin/env python3
"""Compare `keytool -list -v` text with `tlsdeck list --format json`.

usage: kt_compare.py KEYTOOL_OUTPUT TLSDECK_JSON
Checks every alias, entry type, chain length, each certificate's SHA-256
fingerprint and validity end.  Prints differences; exit 1 on any.
"""
import json
import re
import sys
from datetime import datetime, timezone


def parse_keytool(text):
    entries = {}
    cur = None
    cert = None
    for line in text.splitlines():
        m = re.match(r'^Alias name: (.*)$', line)
        if m:
            cur = {'alias': m.group(1), 'type': None, 'chain': []}
            entries[m.group(1).lower()] = cur
            cert = None
            continue
        if cur is None:
            continue
        m = re.match(r'^Entry type: (\S+)', line)
        if m:
            cur['type'] = m.group(1)
            continue
        m = re.match(r'^(Certificate\[\d+\]:|Owner: )', line)
        if m:
            if line.startswith('Certificate[') or cert is None or \
                    cert.get('sha256'):
                cert = {}
                cur['chain'].append(cert)
            continue
        m = re.match(r'^Valid from: .* until: (.*)$', line)
        if m and cert is not None:
            t = datetime.strptime(m.group(1), '%a %b %d %H:%M:%S %Z %Y')
            cert['not_after'] = t.replace(tzinfo=timezone.utc)
            continue
        m = re.match(r'^\s*SHA256: ([0-9A-F:]+)$', line)
        if m and cert is not None:
            cert['sha256'] = m.group(1)
    return entries


def main():
    kt = parse_keytool(open(sys.argv[1], encoding='utf-8',
                            errors='replace').read())
    td = json.load(open(sys.argv[2]))
    ours = {e['alias'].lower(): e for e in td['entries']}
    errs = []
    if set(kt) != set(ours):
        errs.append('aliases differ: keytool-only %s, tlsdeck-only %s' % (
            sorted(set(kt) - set(ours)), sorted(set(ours) - set(kt))))
    for a in sorted(set(kt) & set(ours)):
        k, o = kt[a], ours[a]
        if k['type'] != o['type']:
            errs.append('%s: type %s vs %s' % (a, k['type'], o['type']))
        if len(k['chain']) != len(o['chain']):
            errs.append('%s: chain length %d vs %d' % (
                a, len(k['chain']), len(o['chain'])))
            continue
        for i, (kc, oc) in enumerate(zip(k['chain'], o['chain'])):
            if kc.get('sha256') != oc['sha256']:
                errs.append('%s[%d]: sha256 %s vs %s' % (
                    a, i, kc.get('sha256'), oc['sha256']))
            ot = datetime.strptime(oc['not_after'], '%Y-%m-%dT%H:%M:%SZ')
            ot = ot.replace(tzinfo=timezone.utc)
            if kc.get('not_after') != ot:
                errs.append('%s[%d]: not_after %s vs %s' % (
                    a, i, kc.get('not_after'), ot))
    for e in errs:
        print(e)
    print('compared %d entries: %s' % (len(kt), 'OK' if not errs else
                                        '%d differences' % len(errs)))
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
