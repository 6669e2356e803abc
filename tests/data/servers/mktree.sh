# SPDX-License-Identifier: ISC
# mktree.sh -- build Integration Manager server trees the way an
# administrator does (docs/formats.md, Integration Manager layout):
# keytool -genkeypair into ${sharedDataPath}/conf/ssl/keystore.p12, the
# documented properties, then -exportcert and -importcert into the bundled
# JRE's cacerts.  Sourced by tests/server/*.sh after tests/lib.sh (kt,
# need_keytool).
#
# A tree:  DIR/conf/application.properties
#          DIR/conf/ssl/keystore.p12 (or .jks)
#          DIR/jre/release, DIR/jre/lib/security/cacerts   (a fake JRE)
# Passwords never go on a command line: keytool -storepass:env,
# openssl -passin/-passout env:.
#
# Functions (each builds one tree in DIR; keytool calls noted):
#   mk_ca CADIR                 openssl root + intermediate CA (no JVM)
#   mk_selfsigned DIR           vendor's self-signed path        (3 JVMs)
#   mk_casigned DIR CADIR       vendor's CA-signed path          (6 JVMs)
#   mk_jks_keypass DIR          JKS, separate key password, JDK 18+
#                               passwordless PKCS#12 cacerts      (3 JVMs)
#   mk_openssl_tree DIR CADIR FROM LEAFOPTS...
#                               an OpenSSL-made keystore (expired, weak...)
#                               with FROM's JRE                  (no JVM)
#   props_write DIR STOREFILE TYPE [EXTRA...]  the documented block

# Every file the server reads, 0640 as an administrator should leave it.
umask 027

SRV_PASS='Kst0re-pw.1'		# keystore password (not a documented one)
SRV_KEYPASS='K3y-pw.2'		# JKS key password
SRV_HOST=im.example.test
SRV_PORT=8443
export SRV_PASS SRV_KEYPASS
CACERTS_PASS=changeit
export CACERTS_PASS

# The fake JRE: release file and a copy of a cacerts.
mk_jre() {
	mkdir -p "$1/jre/lib/security" "$1/jre/bin"
	printf 'IMPLEMENTOR="Test"\nJAVA_VERSION="%s"\n' "$2" \
	    >"$1/jre/release"
	if [ -n "${3:-}" ]; then
		cp "$3" "$1/jre/lib/security/cacerts"
		chmod 644 "$1/jre/lib/security/cacerts"
	fi
}

# props_write DIR STOREFILE TYPE [EXTRA LINE...]: the documented block
# (docs/formats.md, Integration Manager layout) with our password and
# host, then EXTRA lines.
props_write() {
	d=$1 store=$2 type=$3
	shift 3
	mkdir -p "$d/conf"
	{
		printf '# Integration Manager\n'
		printf 'sharedDataPath=%s\n' "$d"
		printf 'spring.datasource.url=jdbc:h2:file:${sharedDataPath}/db\n'
		printf '\n# Enable SSL\n'
		printf 'server.port=%s\n' "$SRV_PORT"
		printf 'server.ssl.key-alias=integration-manager\n'
		printf 'server.ssl.key-store=${sharedDataPath}/conf/ssl/%s\n' \
		    "$store"
		printf 'server.ssl.key-store-password=%s\n' "$SRV_PASS"
		printf 'server.ssl.key-store-type=%s\n' "$type"
		printf 'im.base-url=https://%s:${server.port}\n' "$SRV_HOST"
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} >"$d/conf/application.properties"
}

# mk_ca CADIR: root and intermediate (keys unencrypted, test only).
mk_ca() {
	c=$1
	mkdir -p "$c"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$c/root.key" \
	    -out "$c/root.pem" -subj "/O=Example Test/CN=Example Test Root CA" \
	    -days 3650 -addext basicConstraints=critical,CA:true \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
	    return 1
	openssl req -newkey rsa:2048 -nodes -keyout "$c/int.key" \
	    -out "$c/int.csr" -subj "/O=Example Test/CN=Example Test Issuing CA" \
	    2>/dev/null || return 1
	printf 'basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
	    >"$c/int.ext"
	openssl x509 -req -in "$c/int.csr" -CA "$c/root.pem" \
	    -CAkey "$c/root.key" -CAcreateserial -days 1825 \
	    -extfile "$c/int.ext" -out "$c/int.pem" 2>/dev/null || return 1
	cat >"$c/ca.cnf" <<-EOF
	[ca]
	default_ca = CA_default
	[CA_default]
	database = $c/index.txt
	new_certs_dir = $c
	serial = $c/serial
	default_md = sha256
	policy = policy_any
	copy_extensions = copy
	unique_subject = no
	email_in_dn = no
	[policy_any]
	commonName = supplied
	organizationName = optional
	[server]
	basicConstraints = CA:false
	keyUsage = critical,digitalSignature,keyEncipherment
	extendedKeyUsage = serverAuth
	EOF
	: >"$c/index.txt"
	echo 1000 >"$c/serial"
}

# ca_sign CADIR CSR OUT [openssl ca options...]: the intermediate signs.
ca_sign() {
	c=$1 csr=$2 out=$3
	shift 3
	openssl ca -batch -config "$c/ca.cnf" -extensions server \
	    -cert "$c/int.pem" -keyfile "$c/int.key" -in "$csr" -out "$out" \
	    -notext "$@" 2>/dev/null
}

# mk_selfsigned DIR: "Option B" and step 3 of the vendor's procedure.
mk_selfsigned() {
	d=$1
	mkdir -p "$d/conf/ssl"
	mk_jre "$d" 17.0.15 /etc/ssl/certs/java/cacerts
	kt -genkeypair -alias integration-manager -keyalg RSA -keysize 2048 \
	    -storetype PKCS12 -keystore "$d/conf/ssl/keystore.p12" \
	    -validity 3650 -dname "CN=$SRV_HOST, O=Example Test, C=US" \
	    -ext "SAN=dns:$SRV_HOST,dns:localhost" \
	    -storepass:env SRV_PASS >/dev/null 2>&1 || return 1
	kt -exportcert -alias integration-manager \
	    -keystore "$d/conf/ssl/keystore.p12" -file "$d/integration-manager.cer" \
	    -storetype pkcs12 -noprompt -storepass:env SRV_PASS \
	    >/dev/null 2>&1 || return 1
	kt -import -alias integration-manager -file "$d/integration-manager.cer" \
	    -keystore "$d/jre/lib/security/cacerts" -noprompt \
	    -storepass:env CACERTS_PASS >/dev/null 2>&1 || return 1
	props_write "$d" keystore.p12 PKCS12 security.require-ssl=true
}

# mk_casigned DIR CADIR: "Option A": key, CSR, CA reply with root and
# intermediate imported first, and the root trusted by the JRE.
mk_casigned() {
	d=$1 c=$2
	ks=$d/conf/ssl/keystore.p12
	mkdir -p "$d/conf/ssl"
	mk_jre "$d" 17.0.15 /etc/ssl/certs/java/cacerts
	kt -genkeypair -alias integration-manager -keyalg RSA -keysize 2048 \
	    -storetype PKCS12 -keystore "$ks" -validity 3650 \
	    -dname "CN=$SRV_HOST, O=Example Test, C=US" \
	    -storepass:env SRV_PASS >/dev/null 2>&1 || return 1
	kt -certreq -alias integration-manager -keystore "$ks" \
	    -file "$d/certificate-signing-request.txt" \
	    -ext "SAN=dns:$SRV_HOST,dns:localhost" \
	    -storepass:env SRV_PASS >/dev/null 2>&1 || return 1
	ca_sign "$c" "$d/certificate-signing-request.txt" "$d/server.cer" \
	    -days 400 || return 1
	kt -importcert -alias root -file "$c/root.pem" -keystore "$ks" \
	    -noprompt -storepass:env SRV_PASS >/dev/null 2>&1 || return 1
	kt -importcert -alias intermediate -file "$c/int.pem" -keystore "$ks" \
	    -noprompt -storepass:env SRV_PASS >/dev/null 2>&1 || return 1
	kt -importcert -alias integration-manager -file "$d/server.cer" \
	    -keystore "$ks" -storepass:env SRV_PASS >/dev/null 2>&1 ||
	    return 1
	kt -importcert -alias example-test-root -file "$c/root.pem" \
	    -keystore "$d/jre/lib/security/cacerts" -noprompt \
	    -storepass:env CACERTS_PASS >/dev/null 2>&1 || return 1
	props_write "$d" keystore.p12 PKCS12
}

# mk_jks_keypass DIR: a JKS whose key has its own password, on a JDK 21
# whose cacerts is a passwordless PKCS#12 (the JDK 18+ shape) holding the
# server certificate.
mk_jks_keypass() {
	d=$1
	ks=$d/conf/ssl/keystore.jks
	mkdir -p "$d/conf/ssl"
	mk_jre "$d" 21.0.7
	kt -genkeypair -alias integration-manager -keyalg EC -groupname secp256r1 \
	    -storetype JKS -keystore "$ks" -validity 825 \
	    -dname "CN=$SRV_HOST, O=Example Test, C=US" \
	    -ext "SAN=dns:$SRV_HOST" -storepass:env SRV_PASS \
	    -keypass:env SRV_KEYPASS >/dev/null 2>&1 || return 1
	kt -exportcert -alias integration-manager -keystore "$ks" \
	    -file "$d/im.cer" -storepass:env SRV_PASS >/dev/null 2>&1 ||
	    return 1
	kt -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE \
	    -J-Dkeystore.pkcs12.macAlgorithm=NONE -importcert -noprompt \
	    -alias integration-manager -file "$d/im.cer" -storetype PKCS12 \
	    -keystore "$d/jre/lib/security/cacerts" -storepass:env SRV_PASS \
	    >/dev/null 2>&1 || return 1
	chmod 644 "$d/jre/lib/security/cacerts"
	props_write "$d" keystore.jks JKS \
	    "server.ssl.key-password=$SRV_KEYPASS"
}

# mk_openssl_tree DIR CADIR FROM [openssl ca options...]: a keystore made
# with OpenSSL (key + CA-signed leaf + chain, as "openssl pkcs12 -export"
# writes it) in a copy of tree FROM's JRE; KEYOPT (default rsa:2048) and
# SAN (default the host) shape the leaf.
mk_openssl_tree() {
	d=$1 c=$2 from=$3
	shift 3
	mkdir -p "$d/conf/ssl"
	cp -a "$from/jre" "$d/jre"
	san=${SAN-DNS:$SRV_HOST}
	if [ -n "$san" ]; then
		openssl req -newkey "${KEYOPT:-rsa:2048}" -nodes \
		    -keyout "$d/leaf.key" -out "$d/leaf.csr" \
		    -subj "/O=Example Test/CN=$SRV_HOST" \
		    -addext "subjectAltName=$san" 2>/dev/null || return 1
	else
		openssl req -newkey "${KEYOPT:-rsa:2048}" -nodes \
		    -keyout "$d/leaf.key" -out "$d/leaf.csr" \
		    -subj "/O=Example Test/CN=$SRV_HOST" 2>/dev/null ||
		    return 1
	fi
	ca_sign "$c" "$d/leaf.csr" "$d/leaf.pem" "$@" || return 1
	cat "$c/int.pem" "$c/root.pem" >"$d/chain.pem"
	openssl pkcs12 -export -name integration-manager -inkey "$d/leaf.key" \
	    -in "$d/leaf.pem" -certfile "$d/chain.pem" -passout env:SRV_PASS \
	    -out "$d/conf/ssl/keystore.p12" 2>/dev/null || return 1
	props_write "$d" keystore.p12 PKCS12
}
