#!/usr/bin/env python3
"""The shape of a PKCS#12 file, to compare what tlsdeck writes with what
keytool writes, bag by bag.

usage: p12_shape.py FILE   (the password in $OP)

Prints one line for the MAC, then per safe (in order) its kind and
algorithm, then its bags (sorted): bag type, attributes (friendlyName
value, localKeyID as "Time" or its length, the trust attribute's value),
and for shrouded keys and secret bags the algorithm.  Algorithm parameters
are printed in full except salts and IVs, which are shown by their length,
so a missing key length or NULL shows.  Encrypted safes are decrypted
(PBES2/PBKDF2-HMAC-SHA256/AES-CBC, or PKCS#12 PBE with RC2-40 and 3DES)
with `openssl enc`.
"""
import hashlib
import os
import subprocess
import sys

OIDS = {
    '1.2.840.113549.1.7.1': 'data',
    '1.2.840.113549.1.7.6': 'encryptedData',
    '1.2.840.113549.1.12.10.1.1': 'keyBag',
    '1.2.840.113549.1.12.10.1.2': 'pkcs8ShroudedKeyBag',
    '1.2.840.113549.1.12.10.1.3': 'certBag',
    '1.2.840.113549.1.12.10.1.5': 'secretBag',
    '1.2.840.113549.1.9.22.1': 'x509Certificate',
    '1.2.840.113549.1.9.20': 'friendlyName',
    '1.2.840.113549.1.9.21': 'localKeyID',
    '2.16.840.1.113894.746875.1.1': 'trust',
    '2.5.29.37.0': 'anyExtendedKeyUsage',
    '1.2.840.113549.1.5.13': 'pbes2',
    '1.2.840.113549.1.5.12': 'pbkdf2',
    '1.2.840.113549.2.7': 'hmacWithSHA1',
    '1.2.840.113549.2.9': 'hmacWithSHA256',
    '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
    '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
    '1.2.840.113549.1.12.1.3': 'pbeWithSHA1And3-KeyTripleDES-CBC',
    '1.2.840.113549.1.12.1.6': 'pbeWithSHA1And40BitRC2-CBC',
    '1.3.14.3.2.26': 'sha1',
    '2.16.840.1.101.3.4.2.1': 'sha256',
}


def tlv(b, i):
    t = b[i]
    i += 1
    n = b[i]
    i += 1
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i:i + k], 'big')
        i += k
    return t, b[i:i + n], i + n


def items(b):
    out, i = [], 0
    while i < len(b):
        t, v, i = tlv(b, i)
        out.append((t, v))
    return out


def oid(v):
    parts, n = [], 0
    for c in v:
        n = (n << 7) | (c & 0x7f)
        if not c & 0x80:
            parts.append(n)
            n = 0
    first = [min(parts[0] // 40, 2), parts[0] - 40 * min(parts[0] // 40, 2)]
    s = '.'.join(str(x) for x in first + parts[1:])
    return OIDS.get(s, s)


def show(t, v):
    """An element as text; OCTET STRINGs by length (salts, IVs)."""
    if t == 0x06:
        return oid(v)
    if t == 0x02:
        return str(int.from_bytes(v, 'big'))
    if t == 0x05:
        return 'NULL'
    if t == 0x04:
        return '[%d]' % len(v)
    if t in (0x30, 0x31):
        return '(' + ','.join(show(a, b) for a, b in items(v)) + ')'
    return '?%02x[%d]' % (t, len(v))


def first(b):
    return tlv(b, 0)


def pkcs12_kdf(pw, salt, idb, it, n):
    """RFC 7292 appendix B.2 with SHA-1."""
    u, v = 20, 64
    p = (pw.encode('utf-16-be') + b'\0\0') if pw else b''
    d = bytes([idb]) * v

    def fill(x):
        if not x:
            return b''
        k = v * ((len(x) + v - 1) // v)
        return (x * (k // len(x) + 1))[:k]
    i = bytearray(fill(salt) + fill(p))
    out = b''
    while len(out) < n:
        a = d + bytes(i)
        for _ in range(it):
            a = hashlib.sha1(a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], 'big')
        for j in range(0, len(i), v):
            x = (int.from_bytes(i[j:j + v], 'big') + b + 1) % (1 << (8 * v))
            i[j:j + v] = x.to_bytes(v, 'big')
    return out[:n]


def decrypt(alg, ct, pw):
    a = items(alg)
    name = oid(a[0][1])
    if name == 'pbes2':
        kdf, enc = items(a[1][1])
        kp = items(items(kdf[1])[1][1])
        salt, it = kp[0][1], int.from_bytes(kp[1][1], 'big')
        ea = items(enc[1])
        cipher, iv = oid(ea[0][1]), ea[1][1]
        klen = 32 if cipher == 'aes-256-cbc' else 16
        key = hashlib.pbkdf2_hmac('sha256', pw.encode(), salt, it, klen)
        args = ['-' + cipher]
    else:
        pp = items(a[1][1])
        salt, it = pp[0][1], int.from_bytes(pp[1][1], 'big')
        if name == 'pbeWithSHA1And40BitRC2-CBC':
            key = pkcs12_kdf(pw, salt, 1, it, 5)
            args = ['-rc2-40-cbc', '-provider', 'legacy', '-provider',
                    'default']
        else:
            key = pkcs12_kdf(pw, salt, 1, it, 24)
            args = ['-des-ede3-cbc']
        iv = pkcs12_kdf(pw, salt, 2, it, 8)
    r = subprocess.run(['openssl', 'enc', '-d'] + args +
                       ['-K', key.hex(), '-iv', iv.hex()], input=ct,
                       capture_output=True)
    if r.returncode != 0:
        sys.exit('cannot decrypt: ' + r.stderr.decode())
    return r.stdout


def attrs(v):
    out = []
    for _, a in items(v):
        at = items(a)
        name = oid(at[0][1])
        vals = items(at[1][1])
        if name == 'friendlyName':
            out.append('friendlyName:' + vals[0][1].decode('utf-16-be'))
        elif name == 'localKeyID':
            x = vals[0][1]
            out.append('localKeyID:' + ('Time' if x.startswith(b'Time ')
                                        else '[%d]' % len(x)))
        else:
            out.append(name + ':' + ','.join(show(t, x) for t, x in vals))
    return sorted(out)


def bags(data):
    out = []
    for _, bag in items(first(data)[1]):
        b = items(bag)
        kind = oid(b[0][1])
        val = first(b[1][1])
        line = kind
        if kind == 'pkcs8ShroudedKeyBag':
            line += ' ' + show(*items(val[1])[0])
        elif kind == 'secretBag':
            sb = items(val[1])
            line += ' type=' + oid(sb[0][1])
            epki = first(first(sb[1][1])[1])[1]
            line += ' ' + show(*items(epki)[0])
        if len(b) > 2:
            line += ' ' + ' '.join(attrs(b[2][1]))
        out.append('  ' + line)
    return sorted(out)


def main():
    pw = os.environ.get('OP', '')
    b = open(sys.argv[1], 'rb').read()
    pfx = items(first(b)[1])
    ci = items(pfx[1][1])
    authsafe = first(first(ci[1][1])[1])[1]
    if len(pfx) > 2:
        md = items(pfx[2][1])
        dig = items(md[0][1])
        it = int.from_bytes(md[2][1], 'big') if len(md) > 2 else 1
        print('mac %s salt[%d] iter=%d' % (show(*dig[0]), len(md[1][1]), it))
    else:
        print('mac none')
    for _, c in items(authsafe):
        parts = items(c)
        kind = oid(parts[0][1])
        body = first(parts[1][1])[1]
        if kind == 'data':
            print('safe data')
            data = body
        else:
            ed = items(body)
            eci = items(ed[1][1])
            alg = eci[1][1]
            print('safe encryptedData ' + show(0x30, alg))
            data = decrypt(alg, eci[2][1], pw)
        for line in bags(data):
            print(line)


main()
