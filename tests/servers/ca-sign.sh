# SPDX-License-Identifier: ISC
# tests/servers/ca-sign.sh -- the CA-signed path of the server tests:
#   ca_sign KEYSTORE ALIAS NAME   tlsdeck csr for the entry (password in
#                                 $PASS), signed by a test CA made with
#                                 openssl ($T/testca), tlsdeck import-reply
#                                 of the reply and the CA on the same alias
#   served_issuer PORT NAME       the issuer of the leaf served for NAME

ca_sign() {
	if [ ! -f "$T/testca/ca.pem" ]; then
		mkdir -p "$T/testca"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/testca/ca.key" \
		    -out "$T/testca/ca.pem" -subj "/CN=tlsdeck test CA" -days 30 \
		    -addext basicConstraints=critical,CA:TRUE \
		    -addext keyUsage=critical,keyCertSign,cRLSign \
		    >"$T/testca/log" 2>&1 || fail "the test CA: $(cat "$T/testca/log")"
	fi
	"$TLSDECK" csr "$1" --alias "$2" --storepass-env PASS \
	    -o "$T/testca/$2.csr" --force >"$T/testca/log" 2>&1 ||
	    fail "csr $1 $2: $(cat "$T/testca/log")"
	openssl x509 -req -in "$T/testca/$2.csr" -CA "$T/testca/ca.pem" \
	    -CAkey "$T/testca/ca.key" -CAcreateserial -days 20 \
	    -copy_extensions copy -out "$T/testca/$2.crt" \
	    >"$T/testca/log" 2>&1 || fail "signing: $(cat "$T/testca/log")"
	openssl x509 -in "$T/testca/$2.crt" -noout -ext subjectAltName |
	    grep -q "DNS:$3" || fail "the signed certificate lost DNS:$3"
	"$TLSDECK" import-reply "$1" --alias "$2" "$T/testca/$2.crt" \
	    "$T/testca/ca.pem" --storepass-env PASS >"$T/testca/log" 2>&1 ||
	    fail "import-reply $1 $2: $(cat "$T/testca/log")"
}

served_issuer() {
	openssl s_client -connect "127.0.0.1:$1" -servername "$2" </dev/null \
	    2>/dev/null | openssl x509 -noout -issuer
}
