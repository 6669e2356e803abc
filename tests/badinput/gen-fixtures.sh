#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# gen-fixtures.sh -- (re)build the malformed files of the bad-input
# catalogue (tests/badinput/catalogue.sh) from the samples in tests/data.
#
#	tests/badinput/gen-fixtures.sh [OUTDIR]	(default: next to this script)
#
# The results are committed (tests/badinput/fixtures/): the catalogue only
# copies them.  Special files (FIFOs, symlink loops, a 300 MB sparse file,
# unreadable files, odd names) are made by the catalogue itself at run time.
# Needs bash, openssl, dd and GNU grep.  PKCS#12 files carry random salts,
# so a rebuild differs byte for byte but not in shape.
set -eu
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/fixtures}
S=$top/tests/data/samples
C=$top/tests/data/certs
mkdir -p "$out"
cd "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hex HEXSTRING: the bytes ("feedfeed00000002" -> 8 bytes).
hex() {
	local h=$1 s=
	while [ -n "$h" ]; do
		s="$s\\x${h:0:2}"
		h=${h:2}
	done
	printf "$s"
}
# patch FILE OFFSET HEXSTRING: overwrite bytes in place.
patch_at() {
	hex "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# u2/u4 STRING: a Java writeUTF string (ASCII only here).
utf() {
	printf '%04x' "${#1}"
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}
# jks_seal BODYFILE PASSWORD OUT: body + SHA-1(pw UTF-16BE, "Mighty
# Aphrodite", body), as JKS ends (docs/formats.md, The integrity digest).
jks_seal() {
	{
		printf '%s' "$2" | iconv -f UTF-8 -t UTF-16BE
		printf 'Mighty Aphrodite'
		cat "$1"
	} | openssl dgst -sha1 -binary >"$tmp/digest"
	cat "$1" "$tmp/digest" >"$3"
}
# jks_hand OUT HEXBODY: a hand-made JKS sealed with "storepass".
jks_hand() {
	hex "$2" >"$tmp/body"
	jks_seal "$tmp/body" storepass "$1"
}

size() { wc -c <"$1" | tr -d ' '; }
# junk N SEED: N pseudo-random bytes, the same on every run (AES-CTR of
# zeros under a key made from SEED).
junk() {
	head -c "$1" /dev/zero | openssl enc -aes-128-ctr -nosalt \
	    -K "$(printf '%s' "$2" | openssl dgst -md5 -r | cut -c1-32)" \
	    -iv 00000000000000000000000000000000
}

# ---- JKS / JCEKS, from keytool's sample-jks17.jks (password storepass)
jks=$S/sample-jks17.jks
n=$(size "$jks")
head -c 10 "$jks" >jks-trunc-header.jks
head -c $((n / 2)) "$jks" >jks-trunc-half.jks
head -c $((n - 20)) "$jks" >jks-no-digest.jks
cp "$jks" jks-flipped.jks
chmod 644 jks-flipped.jks
patch_at jks-flipped.jks $((n / 2)) 00
patch_at jks-flipped.jks $((n / 2 + 1)) ff
cp "$jks" jks-bad-magic.jks
chmod 644 jks-bad-magic.jks
patch_at jks-bad-magic.jks 0 feedfeee
cp "$jks" jks-version-9.jks
chmod 644 jks-version-9.jks
patch_at jks-version-9.jks 4 00000009
cp "$jks" jks-count-huge.jks
chmod 644 jks-count-huge.jks
patch_at jks-count-huge.jks 8 7fffffff

date=0000019a00000000
# one trusted entry whose certificate length is 0xffffffff
jks_hand jks-certlen-huge.jks "feedfeed0000000200000001000000020001$(
    printf a | od -An -tx1 | tr -d ' \n')${date}$(utf X.509)ffffffff3082033930820221a003020102"
# an alias whose length (65535) runs past the end of the file
jks_hand jks-aliaslen-huge.jks "feedfeed000000020000000100000002ffff616263"
# a key entry whose protected key is 0xffffffff bytes long
jks_hand jks-keylen-huge.jks "feedfeed0000000200000001000000010001$(
    printf k | od -An -tx1 | tr -d ' \n')${date}ffffffff30820102"
# a key entry with a 4-byte key and 0x7fffffff certificates in its chain
jks_hand jks-chainlen-huge.jks "feedfeed0000000200000001000000010001$(
    printf k | od -An -tx1 | tr -d ' \n')${date}00000004300200007fffffff$(utf X.509)00000004"
# an entry tag Java does not know (7)
jks_hand jks-bad-tag.jks "feedfeed0000000200000001000000070001$(
    printf k | od -An -tx1 | tr -d ' \n')${date}"
# a JKS of 2^31-1 entries of nothing: only the header and the digest
jks_hand jks-count-huge-empty.jks "feedfeed000000027fffffff"
: >empty.jks

jceks=$S/sample-jceks17.jceks
n=$(size "$jceks")
head -c $((n * 2 / 3)) "$jceks" >jceks-trunc.jceks

# ---- PKCS#12
p12=$S/sample-jdk17.p12
n=$(size "$p12")
head -c 200 "$p12" >p12-trunc.p12
cp "$p12" p12-flipped.p12
chmod 644 p12-flipped.p12
patch_at p12-flipped.p12 $((n / 2)) 0000000000000000
# iteration counts above Java's limit (5,000,000): made with 32768
# (DER 02 03 00 80 00) and patched to 8,388,607 (02 03 7f ff ff): in the
# MAC of a normal file, and in the key bag of a file without a MAC (its
# certificates are in the clear, so only recovering the key meets it).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" \
    -out "$tmp/c.pem" -subj /CN=iter.example -days 3650 2>/dev/null
for v in mac nomac; do
	flag=
	[ $v = nomac ] && flag=-nomac
	P12PASS=storepass openssl pkcs12 -export -inkey "$tmp/k.pem" \
	    -in "$tmp/c.pem" -name server -iter 32768 $flag \
	    -passout env:P12PASS -out "$tmp/$v.p12"
done
offs=$(grep -obUaP '\x02\x03\x00\x80\x00' "$tmp/mac.p12" | cut -d: -f1)
[ -n "$offs" ] || { echo "no iteration count found" >&2; exit 1; }
for o in $offs; do
	last=$o
done
cp "$tmp/mac.p12" p12-mac-iter-huge.p12
patch_at p12-mac-iter-huge.p12 "$last" 02037fffff
offs=$(grep -obUaP '\x02\x03\x00\x80\x00' "$tmp/nomac.p12" | cut -d: -f1)
[ -n "$offs" ] || { echo "no iteration count found" >&2; exit 1; }
cp "$tmp/nomac.p12" p12-keybag-iter-huge.p12
for o in $offs; do
	patch_at p12-keybag-iter-huge.p12 "$o" 02037fffff
done
# a DER SEQUENCE claiming 0x7fffffff bytes
hex 30847fffffff020103 >p12-seqlen-huge.p12
# random bytes with a plausible PKCS#12 start
{ hex 3082; junk 1200 p12-junk; } >p12-junk.p12

# ---- certificates and keys
head -c 300 "$C/ca.der" >cert-trunc.der
cp "$C/bad-base64.pem" cert-bad-base64.pem
cp "$C/no-end.pem" cert-no-end.pem
cp "$C/not-pem.txt" cert-not-pem.txt
head -c 600 "$C/key-rsa-pkcs8.pem" >key-trunc.pem
cp "$C/key-rsa-pkcs8-enc.pem" key-enc.pem
cp "$C/key-rsa-pkcs8.pem" key-rsa.pem
cp "$C/key-and-cert.pem" key-and-cert.pem
cp "$S/certs/ca.pem" ca.pem
cp "$S/certs/srv2.pem" srv2.pem
cp "$S/sample-jdk17.p12" good.p12
cp "$S/sample-jks17.jks" good.jks
cp "$S/sample-jks-unicode-alias.jks" unicode-alias.jks
chmod 644 ./*.pem ./*.txt ./*.p12 ./*.jks ./*.der ./*.jceks

# ---- properties
printf 'server.port=8443\nim.title=\\u00G9\n' >props-bad-unicode.properties
printf 'server.port=${a}\na=${server.port}\nserver.ssl.key-store=${ks}\nks=${ks}\n' \
    >props-loop.properties
printf 'server.port=8443\nserver.ssl.key-store=/nonexistent/a\\u0000b.p12\n' \
    >props-nul-path.properties
{ junk 3000 props-binary; printf '\nserver.port=8443\n'; } \
    >props-binary.properties
# a Tomcat server.xml (kept in the repository as it is)
[ -f server.xml ] || cp "$here/fixtures/server.xml" server.xml

# ---- YAML: tlsdeck's config and themes
printf 'warn-days: [1, 2\n  : : :\n' >config-junk.yaml
printf 'warn-days: 30\ncolour: red\n' >config-unknown-key.yaml
printf 'warn-days: 99999999999999999999\n' >config-int-overflow.yaml
printf 'theme: a\0b\n' >config-nul.yaml
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "["; print "" }' \
    >config-deep.yaml
printf '\xef\xbb\xbfwarn-days: "\xff\xfe"\n' >config-bad-utf8.yaml
printf 'roles:\n  ok: [unclosed\n' >theme-junk.yaml
printf 'name: x\nroles:\n  ok: { fg: chartreuse-ish }\n' >theme-bad-colour.yaml
printf 'name: x\nroles:\n  nonsense-role: {}\n' >theme-unknown-role.yaml

echo "fixtures written to $out"
