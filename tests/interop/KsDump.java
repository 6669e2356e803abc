// SPDX-License-Identifier: ISC
// KsDump FILE TYPE: what the JVM loads from a keystore, one line per
// entry, sorted: "alias|type|detail".  The store password is in $OP; key
// passwords: $KP, else (or when $KP does not open a key) the store password.  detail: the SHA-256 of
// every certificate of the chain; for a key entry also its algorithm and
// the SHA-256 of the public key the private key signs for (a signature
// made with the key and checked with the certificate), for a secret key
// its algorithm and the SHA-256 of its bytes.  Run with `java KsDump.java`.
import java.io.FileInputStream;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

public class KsDump {
	static String sha256(byte[] b) throws Exception {
		return HexFormat.of().formatHex(
		    MessageDigest.getInstance("SHA-256").digest(b));
	}

	public static void main(String[] args) throws Exception {
		char[] sp = System.getenv("OP").toCharArray();
		String kpe = System.getenv("KP");
		char[] kp = kpe != null ? kpe.toCharArray() : sp;
		KeyStore ks = KeyStore.getInstance(args[1]);
		try (FileInputStream in = new FileInputStream(args[0])) {
			ks.load(in, sp);
		}
		List<String> out = new ArrayList<>();
		for (String a : Collections.list(ks.aliases())) {
			StringBuilder d = new StringBuilder();
			String type;
			if (ks.isCertificateEntry(a)) {
				type = "trustedCertEntry";
				d.append(sha256(ks.getCertificate(a).getEncoded()));
			} else {
				Key k;
				try {
					k = ks.getKey(a, kp);
				} catch (java.security.UnrecoverableKeyException x) {
					k = ks.getKey(a, sp);
				}
				if (k instanceof PrivateKey) {
					type = "PrivateKeyEntry";
					Certificate[] c = ks.getCertificateChain(a);
					for (Certificate x : c)
						d.append(sha256(x.getEncoded())).append(',');
					String alg = k.getAlgorithm().equals("EC") ?
					    "SHA256withECDSA" : "SHA256withRSA";
					Signature s = Signature.getInstance(alg);
					s.initSign((PrivateKey)k);
					s.update(a.getBytes());
					byte[] sig = s.sign();
					s.initVerify(c[0].getPublicKey());
					s.update(a.getBytes());
					d.append(k.getAlgorithm()).append(s.verify(sig) ?
					    " signs" : " DOES NOT SIGN");
				} else {
					type = "SecretKeyEntry";
					d.append(k.getAlgorithm()).append(' ')
					    .append(sha256(k.getEncoded()));
				}
			}
			out.add(a + "|" + type + "|" + d);
		}
		Collections.sort(out);
		System.out.println("size " + ks.size());
		for (String l : out)
			System.out.println(l);
	}
}
