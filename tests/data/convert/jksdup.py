# jksdup.py IN OUT PASS IDX NEWALIAS: append a copy of entry IDX (0-based)
# under NEWALIAS (same bytes of the entry otherwise), fix count and digest.
import sys, hashlib, struct
inp, out, pw, idx, newalias = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
b = open(inp, 'rb').read()
magic, ver, n = struct.unpack('>III', b[:12])
off = 12
ents = []
def cert(off):
    if ver == 2:
        l = struct.unpack('>H', b[off:off+2])[0]; off += 2 + l
    l = struct.unpack('>I', b[off:off+4])[0]; return off + 4 + l
def skipser(off):
    raise SystemExit('secret entries not supported')
for i in range(n):
    start = off
    tag = struct.unpack('>I', b[off:off+4])[0]; off += 4
    al = struct.unpack('>H', b[off:off+2])[0]; astart = off; off += 2 + al
    off += 8
    if tag == 1:
        pl = struct.unpack('>I', b[off:off+4])[0]; off += 4 + pl
        nc = struct.unpack('>I', b[off:off+4])[0]; off += 4
        for j in range(nc): off = cert(off)
    elif tag == 2:
        off = cert(off)
    else:
        skipser(off)
    ents.append((start, astart, al, off))
s, a, al, e = ents[idx]
na = newalias.encode()
body = b[s:a] + struct.pack('>H', len(na)) + na + b[a+2+al:e]
data = struct.pack('>III', magic, ver, n + 1) + b[12:off] + body
pwb = pw.encode('utf-16-be')
d = hashlib.sha1(pwb + b'Mighty Aphrodite' + data).digest()
open(out, 'wb').write(data + d)
