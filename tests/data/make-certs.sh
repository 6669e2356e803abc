#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make-certs.sh -- regenerate tests/data/certs/: certificates, certificate
# files and keys for test-cert and test-pem, each certificate with what
# OpenSSL says about it (NAME.openssl) and what the walker must say that
# OpenSSL cannot (NAME.expect: key, Java signature name, flags, keytool-style
# names).  Run from anywhere: sh tests/data/make-certs.sh.  Needs openssl 3.
#
# The key pass phrase is "tlsdeck-test" (given through the environment, never
# on a command line).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$here/certs
samples=$here/samples/certs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
rm -f "$out"/*.pem "$out"/*.der "$out"/*.p7b "$out"/*.openssl \
    "$out"/*.expect "$out"/*.txt
PW=tlsdeck-test
export PW

nameopt='esc_2253,esc_ctrl,utf8,dump_nostr,dump_unknown,dump_der'
nameopt="$nameopt,sep_comma_plus_space,dn_rev,sname"

# A configuration: string_mask $1, then extension sections.
conf() {
	cat > "$tmp/req.cnf" <<EOF
[req]
distinguished_name = dn
string_mask = $1
utf8 = yes
[dn]
[ca]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ca_pathlen]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical,CA:true,pathlen:2
[plain]
subjectKeyIdentifier = hash
[none]
[leaf]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
basicConstraints = CA:false
keyUsage = digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:san.example.com,IP:192.0.2.7,IP:2001:db8::1,email:ops@example.com,URI:https://example.com/x,RID:1.2.3.4,dirName:dir_sect
[dir_sect]
C = US
O = Dir Org
CN = Dir Name
EOF
}

# Record what OpenSSL says about certificate $1 (NAME).
record() {
	f=$out/$1.pem
	{
		openssl x509 -in "$f" -noout -fingerprint -sha256 -subject \
		    -issuer -enddate -serial -ext subjectAltName \
		    -nameopt "$nameopt" 2>/dev/null
		openssl x509 -in "$f" -noout -fingerprint -sha1
		openssl x509 -in "$f" -noout -startdate
	} > "$out/$1.openssl"
}

# Self-signed: NAME KEYSPEC SUBJECT EXTSECTION MASK [extra req args].
selfsigned() {
	name=$1 key=$2 subj=$3 ext=$4 mask=$5
	shift 5
	conf "$mask"
	openssl req -config "$tmp/req.cnf" -x509 -newkey "$key" -nodes \
	    -keyout "$tmp/$name.key" -subj "$subj" -multivalue-rdn \
	    -extensions "$ext" -days 3650 "$@" -out "$out/$name.pem" \
	    2>/dev/null
	record "$name"
}

selfsigned ec256 ec "/C=US/O=tlsdeck tests/CN=EC 256 Test" ca default \
    -pkeyopt ec_paramgen_curve:P-256 -sha256
selfsigned ec384 ec "/O=tlsdeck tests/CN=EC 384 Test" plain default \
    -pkeyopt ec_paramgen_curve:P-384 -sha384
selfsigned rsa4096 rsa:4096 "/C=US/O=tlsdeck tests/CN=RSA 4096 Test" \
    ca_pathlen default -sha512
# (no extensions: OpenSSL writes a version 1 certificate)
selfsigned sha1 rsa:2048 "/O=tlsdeck tests/CN=SHA-1 Test" none default \
    -sha1 -set_serial 0
selfsigned gen2050 ed25519 "/CN=Ed25519 2050 Test" plain default \
    -days 10000 -set_serial 0x00ff00
selfsigned pss rsa-pss "/CN=PSS Test" plain default \
    -pkeyopt rsa_keygen_bits:2048 -sigopt rsa_padding_mode:pss \
    -sigopt rsa_pss_saltlen:32 -sha256
# BMPString (O), UTF8String (CN with a non-BMP character), a multi-valued
# RDN, an escaped comma.
selfsigned bmp rsa:2048 \
    "/C=DE/O=Ünï\\, GmbH/CN=Müller 日本 😀+UID=u1" plain pkix
# T61String (Latin-1 only characters under the default mask).
selfsigned t61 rsa:2048 "/C=CH/CN=Café Zürich" plain default
# Every attribute short name and the RFC 2253 special characters.
selfsigned names rsa:2048 \
    "/DC=com/DC=example/C=US/ST=State/L=Town/street=Main St 1/O=Org/OU=Unit/serialNumber=42/CN=\\#lead\\,a\\+b\"c\\\\d<e>f;g/emailAddress=a@example.com/title=Boss/2.5.4.97=VATDE-1" \
    plain default

# A leaf with every kind of SAN, issued by ec256.
conf default
openssl req -config "$tmp/req.cnf" -new -newkey rsa:2048 -nodes \
    -keyout "$tmp/san.key" -subj "/O=tlsdeck tests/CN=san.example.com" \
    -out "$tmp/san.csr" 2>/dev/null
openssl x509 -req -in "$tmp/san.csr" -CA "$out/ec256.pem" \
    -CAkey "$tmp/ec256.key" -set_serial 0x0102 -days 825 -sha256 \
    -extfile "$tmp/req.cnf" -extensions leaf -out "$out/san.pem" 2>/dev/null
record san

# Certificate files for test-pem.
for n in ca int leaf srv2; do
	cp "$samples/$n.pem" "$tmp/s-$n.pem"
done
{
	printf 'Server chain for app.example.com\r\n'
	sed 's/$/\r/' "$tmp/s-leaf.pem"
	printf 'issuer: Lab Intermediate CA\r\n\r\n'
	sed 's/$/\r/' "$tmp/s-int.pem"
	sed 's/$/\r/' "$tmp/s-ca.pem"
} > "$out/bundle-crlf.pem"
cat "$tmp/s-leaf.pem" "$tmp/s-int.pem" "$tmp/s-ca.pem" > "$tmp/chain.pem"
openssl crl2pkcs7 -nocrl -certfile "$tmp/chain.pem" -outform DER \
    -out "$out/chain.p7b"
openssl crl2pkcs7 -nocrl -certfile "$tmp/chain.pem" -out "$out/chain-p7.pem"
openssl x509 -in "$tmp/s-ca.pem" -outform DER -out "$out/ca.der"
openssl x509 -in "$tmp/s-ca.pem" -trustout -addtrust serverAuth \
    -setalias "lab root" -out "$out/trusted.pem"
{
	printf -- '-----BEGIN X509 CERTIFICATE-----\n'
	sed -e '1d' -e '$d' "$tmp/s-int.pem"
	printf -- '-----END X509 CERTIFICATE-----\n'
} > "$out/x509-label.pem"
# Broken files.
sed '3s/^\(....\)./\1*/' "$tmp/s-leaf.pem" > "$out/bad-base64.pem"
head -n 10 "$tmp/s-leaf.pem" > "$out/no-end.pem"
cat "$tmp/s-ca.pem" "$samples/s17.csr" > "$out/cert-and-csr.pem"
: > "$out/empty.pem"
printf 'just some text\n' > "$out/not-pem.txt"
{
	printf -- '-----BEGIN CERTIFICATE-----\n'
	printf 'MIIBCgKCAQEA\n'
	printf -- '-----END CERTIFICATE-----\n'
} > "$out/not-a-cert.pem"

# Keys (the SAN leaf's RSA key and the ec256 key) for pem_key_read_mem.
openssl pkey -in "$tmp/san.key" -out "$out/key-rsa-pkcs8.pem"
openssl pkey -in "$tmp/san.key" -aes256 -passout env:PW \
    -out "$out/key-rsa-pkcs8-enc.pem"
openssl rsa -in "$tmp/san.key" -traditional -out "$out/key-rsa-trad.pem" \
    2>/dev/null
openssl rsa -in "$tmp/san.key" -traditional -aes128 -passout env:PW \
    -out "$out/key-rsa-trad-enc.pem" 2>/dev/null
openssl ec -in "$tmp/ec256.key" -out "$out/key-ec-trad.pem" 2>/dev/null
openssl pkey -in "$tmp/ec256.key" -outform DER -out "$out/key-ec-pkcs8.der"
openssl pkcs8 -topk8 -in "$tmp/ec256.key" -outform DER -passout env:PW \
    -v2 aes-256-cbc -out "$out/key-ec-pkcs8-enc.der"
cat "$out/key-rsa-pkcs8.pem" "$out/san.pem" > "$out/key-and-cert.pem"

# What the walker must say beyond OpenSSL's text.
expect() {
	cat > "$out/$1.expect"
}
expect ec256 <<'EOF'
subject=CN=EC 256 Test, O=tlsdeck tests, C=US
key=EC P-256
key_bits=256
sig_alg=SHA256withECDSA
weak_sig=0
ca=1
pathlen=-1
self_signed=1
version=3
EOF
expect ec384 <<'EOF'
subject=CN=EC 384 Test, O=tlsdeck tests
key=EC P-384
key_bits=384
sig_alg=SHA384withECDSA
weak_sig=0
ca=0
pathlen=-1
self_signed=1
version=3
EOF
expect rsa4096 <<'EOF'
subject=CN=RSA 4096 Test, O=tlsdeck tests, C=US
key=RSA 4096
key_bits=4096
sig_alg=SHA512withRSA
weak_sig=0
ca=1
pathlen=2
self_signed=1
version=3
EOF
expect sha1 <<'EOF'
subject=CN=SHA-1 Test, O=tlsdeck tests
serial=0
key=RSA 2048
key_bits=2048
sig_alg=SHA1withRSA
weak_sig=1
ca=0
pathlen=-1
self_signed=1
version=1
EOF
expect gen2050 <<'EOF'
subject=CN=Ed25519 2050 Test
serial=ff00
key=Ed25519
key_bits=255
sig_alg=Ed25519
weak_sig=0
ca=0
pathlen=-1
self_signed=1
version=3
EOF
expect pss <<'EOF'
subject=CN=PSS Test
key=RSASSA-PSS 2048
key_bits=2048
sig_alg=RSASSA-PSS
weak_sig=0
ca=0
pathlen=-1
self_signed=1
version=3
EOF
expect bmp <<'EOF'
subject=UID=u1 + CN=Müller 日本 😀, O=Ünï\, GmbH, C=DE
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=0
pathlen=-1
self_signed=1
version=3
EOF
expect t61 <<'EOF'
subject=CN=Café Zürich, C=CH
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=0
pathlen=-1
self_signed=1
version=3
EOF
expect names <<'EOF'
subject=2.5.4.97=VATDE-1, T=Boss, EMAILADDRESS=a@example.com, CN=\#lead\,a\+b\"c\\d\<e\>f\;g, SERIALNUMBER=42, OU=Unit, O=Org, STREET=Main St 1, L=Town, ST=State, C=US, DC=example, DC=com
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=0
pathlen=-1
self_signed=1
version=3
EOF
expect san <<'EOF'
subject=CN=san.example.com, O=tlsdeck tests
issuer=CN=EC 256 Test, O=tlsdeck tests, C=US
serial=102
key=RSA 2048
key_bits=2048
sig_alg=SHA256withECDSA
weak_sig=0
ca=0
pathlen=-1
self_signed=0
version=3
san=DNS:san.example.com|IP:192.0.2.7|IP:2001:db8:0:0:0:0:0:1|email:ops@example.com|URI:https://example.com/x|RID:1.2.3.4|DIRNAME:CN=Dir Name, O=Dir Org, C=US
EOF

# The shipped sample chain (tests/data/samples/certs).
for n in ca int leaf srv2; do
	cp "$samples/$n.pem" "$out/sample-$n.pem"
	record "sample-$n"
	rm "$out/sample-$n.pem"
done
expect sample-ca <<'EOF'
subject=O=Lab, CN=Lab Root CA
issuer=O=Lab, CN=Lab Root CA
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=1
pathlen=-1
self_signed=1
version=3
EOF
expect sample-int <<'EOF'
subject=O=Lab, CN=Lab Intermediate CA
issuer=O=Lab, CN=Lab Root CA
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=1
pathlen=0
self_signed=0
version=3
EOF
expect sample-leaf <<'EOF'
subject=CN=app.example.com, O=Lab
issuer=O=Lab, CN=Lab Intermediate CA
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=0
pathlen=-1
self_signed=0
version=3
san=DNS:app.example.com|DNS:www.example.com|IP:10.0.0.5
EOF
expect sample-srv2 <<'EOF'
subject=CN=srv2.example.com
issuer=O=Lab, CN=Lab Intermediate CA
key=RSA 2048
key_bits=2048
sig_alg=SHA256withRSA
weak_sig=0
ca=0
pathlen=-1
self_signed=0
version=3
san=DNS:app.example.com|DNS:www.example.com|IP:10.0.0.5
EOF
echo "wrote $out"
