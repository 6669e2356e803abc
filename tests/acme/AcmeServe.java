// SPDX-License-Identifier: ISC
// AcmeServe.java -- a stand-in for a Spring Boot HTTPS server, for
// tests/acme/server.sh: it reads application.properties as the server
// would (server.port; server.ssl.key-store, -password, -type, key-alias,
// key-password; or server.ssl.certificate and certificate-private-key,
// PEM with an unencrypted PKCS#8 key), and serves HTTPS on 127.0.0.1 with
// the JDK's own HttpsServer until it is stopped.  Relative paths are
// resolved against the properties file's parent's parent (the tree).
//   java AcmeServe CONF/application.properties
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

public class AcmeServe {
	static Path base;

	static Path file(String v) {
		if (v.startsWith("file:"))
			v = v.substring(5);
		Path p = Path.of(v);
		return p.isAbsolute() ? p : base.resolve(p);
	}

	static List<byte[]> pemBlocks(Path p, String what) throws Exception {
		List<byte[]> out = new ArrayList<>();
		StringBuilder b = null;
		for (String l : Files.readAllLines(p, StandardCharsets.US_ASCII)) {
			if (l.startsWith("-----BEGIN ") && l.contains(what))
				b = new StringBuilder();
			else if (l.startsWith("-----END ") && b != null) {
				out.add(Base64.getMimeDecoder().decode(b.toString()));
				b = null;
			} else if (b != null)
				b.append(l.trim());
		}
		return out;
	}

	public static void main(String[] args) throws Exception {
		Path props = Path.of(args[0]).toAbsolutePath();
		base = props.getParent().getParent();
		Properties p = new Properties();
		try (InputStream in = new FileInputStream(props.toFile())) {
			p.load(in);
		}
		int port = Integer.parseInt(p.getProperty("server.port"));
		KeyStore ks;
		char[] kp;
		String alias = p.getProperty("server.ssl.key-alias");
		if (p.getProperty("server.ssl.certificate") != null) {
			ks = KeyStore.getInstance("PKCS12");
			ks.load(null, null);
			CertificateFactory cf =
			    CertificateFactory.getInstance("X.509");
			List<Certificate> chain = new ArrayList<>();
			for (byte[] d : pemBlocks(file(p.getProperty(
			    "server.ssl.certificate")), "CERTIFICATE"))
				chain.add(cf.generateCertificate(
				    new java.io.ByteArrayInputStream(d)));
			byte[] k = pemBlocks(file(p.getProperty(
			    "server.ssl.certificate-private-key")),
			    "PRIVATE KEY").get(0);
			PrivateKey key;
			try {
				key = KeyFactory.getInstance("EC").generatePrivate(
				    new PKCS8EncodedKeySpec(k));
			} catch (Exception e) {
				key = KeyFactory.getInstance("RSA").generatePrivate(
				    new PKCS8EncodedKeySpec(k));
			}
			kp = "x".toCharArray();
			alias = "pem";
			ks.setKeyEntry(alias, key, kp,
			    chain.toArray(new Certificate[0]));
		} else {
			String type = p.getProperty("server.ssl.key-store-type",
			    "PKCS12");
			char[] sp = p.getProperty("server.ssl.key-store-password")
			    .toCharArray();
			String kps = p.getProperty("server.ssl.key-password");
			kp = kps != null ? kps.toCharArray() : sp;
			ks = KeyStore.getInstance(type);
			try (InputStream in = Files.newInputStream(file(
			    p.getProperty("server.ssl.key-store")))) {
				ks.load(in, sp);
			}
			// Only the key-alias entry, as Spring Boot serves it.
			KeyStore one = KeyStore.getInstance("PKCS12");
			one.load(null, null);
			one.setKeyEntry(alias, ks.getKey(alias, kp), kp,
			    ks.getCertificateChain(alias));
			ks = one;
		}
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(
		    KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(ks, kp);
		SSLContext ctx = SSLContext.getInstance("TLS");
		ctx.init(kmf.getKeyManagers(), null, null);
		HttpsServer s = HttpsServer.create(new InetSocketAddress(
		    InetAddress.getLoopbackAddress(), port), 16);
		s.setHttpsConfigurator(new HttpsConfigurator(ctx));
		s.createContext("/", x -> {
			byte[] b = "hello\n".getBytes(StandardCharsets.US_ASCII);
			x.sendResponseHeaders(200, b.length);
			try (OutputStream o = x.getResponseBody()) {
				o.write(b);
			}
		});
		s.start();
		System.out.println("serving " + alias + " on " + port);
		System.out.flush();
	}
}
