# Build keystores the way an administrator does with keytool (sourced).
# mkstores KT DIR: KT is a keytool function (kt or kt25); the store password
# is in $SP (exported).  Produces in DIR: chain.jks (server key entry with a
# chain of 3, an EC key, root and int trusted), chain.jceks, chain.p12,
# legacy.p12, trust-nopw.p12, root.pem, int.pem.
mkstores() {
	_kt=$1 _d=$2
	mkdir -p "$_d"
	# A throw-away CA: root and intermediate.
	$_kt -genkeypair -alias root -dname "CN=Interop Root CA, O=tlsdeck" \
	    -keyalg RSA -keysize 2048 -validity 3650 -ext bc:c=ca:true \
	    -keystore "$_d/ca.p12" -storetype pkcs12 -storepass:env SP \
	    >/dev/null 2>&1 || return 1
	$_kt -genkeypair -alias int -dname "CN=Interop Intermediate CA, O=tlsdeck" \
	    -keyalg EC -groupname secp384r1 -validity 1825 \
	    -keystore "$_d/ca.p12" -storetype pkcs12 -storepass:env SP \
	    >/dev/null 2>&1 || return 1
	$_kt -exportcert -rfc -alias root -keystore "$_d/ca.p12" \
	    -storepass:env SP -file "$_d/root.pem" >/dev/null 2>&1 || return 1
	$_kt -certreq -alias int -keystore "$_d/ca.p12" -storepass:env SP \
	    -file "$_d/int.csr" >/dev/null 2>&1 || return 1
	$_kt -gencert -alias root -keystore "$_d/ca.p12" -storepass:env SP \
	    -ext bc:c=ca:true,pathlen:0 -validity 1825 -rfc \
	    -infile "$_d/int.csr" -outfile "$_d/int.pem" >/dev/null 2>&1 ||
	    return 1
	# The server store (JKS, with a separate key password).
	$_kt -genkeypair -alias server -dname "CN=app.example.com, O=Example" \
	    -keyalg RSA -keysize 2048 -validity 397 \
	    -ext san=dns:app.example.com,dns:localhost,ip:127.0.0.1 \
	    -keystore "$_d/chain.jks" -storetype JKS -storepass:env SP \
	    -keypass:env KP >/dev/null 2>&1 || return 1
	$_kt -genkeypair -alias eckey -dname "CN=ec.example.com" -keyalg EC \
	    -groupname secp256r1 -validity 30 -keystore "$_d/chain.jks" \
	    -storetype JKS -storepass:env SP -keypass:env KP >/dev/null 2>&1 ||
	    return 1
	for _c in root int; do
		$_kt -importcert -noprompt -alias "$_c" -file "$_d/$_c.pem" \
		    -keystore "$_d/chain.jks" -storepass:env SP \
		    >/dev/null 2>&1 || return 1
	done
	$_kt -certreq -alias server -keystore "$_d/chain.jks" \
	    -storepass:env SP -keypass:env KP -file "$_d/server.csr" \
	    >/dev/null 2>&1 || return 1
	$_kt -gencert -alias int -keystore "$_d/ca.p12" -storepass:env SP \
	    -ext san=dns:app.example.com,dns:localhost -validity 397 -rfc \
	    -infile "$_d/server.csr" -outfile "$_d/server.pem" \
	    >/dev/null 2>&1 || return 1
	$_kt -importcert -alias server -file "$_d/server.pem" -trustcacerts \
	    -keystore "$_d/chain.jks" -storepass:env SP -keypass:env KP \
	    </dev/null >/dev/null 2>&1 || return 1
	# Conversions.
	$_kt -importkeystore -srckeystore "$_d/chain.jks" -srcstorepass:env SP \
	    -destkeystore "$_d/chain.jceks" -deststoretype JCEKS \
	    -deststorepass:env SP -srcalias server -srckeypass:env KP \
	    -destkeypass:env KP >/dev/null 2>&1 || return 1
	$_kt -importcert -noprompt -alias root -file "$_d/root.pem" \
	    -keystore "$_d/chain.jceks" -storetype JCEKS -storepass:env SP \
	    >/dev/null 2>&1 || return 1
	for _a in server eckey; do
		$_kt -importkeystore -srckeystore "$_d/chain.jks" \
		    -srcstorepass:env SP -srcalias $_a -srckeypass:env KP \
		    -destkeystore "$_d/chain.p12" -deststoretype PKCS12 \
		    -deststorepass:env SP >/dev/null 2>&1 || return 1
	done
	for _c in root int; do
		$_kt -importcert -noprompt -alias "$_c" -file "$_d/$_c.pem" \
		    -keystore "$_d/chain.p12" -storepass:env SP \
		    >/dev/null 2>&1 || return 1
	done
	$_kt -J-Dkeystore.pkcs12.legacy -importkeystore \
	    -srckeystore "$_d/chain.p12" -srcstorepass:env SP \
	    -destkeystore "$_d/legacy.p12" -deststoretype PKCS12 \
	    -deststorepass:env SP >/dev/null 2>&1 || return 1
	for _c in root int; do
		$_kt -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE \
		    -J-Dkeystore.pkcs12.macAlgorithm=NONE -importcert -noprompt \
		    -alias "$_c" -file "$_d/$_c.pem" -storetype PKCS12 \
		    -keystore "$_d/trust-nopw.p12" -storepass:env SP \
		    >/dev/null 2>&1 || return 1
	done
	return 0
}
