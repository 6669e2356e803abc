// SPDX-License-Identifier: ISC
// HttpsCheck.java -- the JDK's own HTTPS server and client, no libraries,
// for tests/interop/java-https.sh.  Passwords come from environment
// variables named on the command line, never from argv itself.
//
//   java HttpsCheck server KEYSTORE STOREPASS_VAR KEYPASS_VAR ALIAS PORTFILE SECONDS
//       serve "hello from tlsdeck" over HTTPS on 127.0.0.1 (a free port,
//       written to PORTFILE) with the key entry ALIAS, then exit after
//       SECONDS whatever happens.
//   java HttpsCheck client PORT TRUSTSTORE[=STOREPASS_VAR]...
//       for each truststore, GET https://127.0.0.1:PORT/ trusting only it
//       (loaded with the password, or none) and print "TRUSTSTORE: OK
//       <code> <body> (...)" or "TRUSTSTORE: HANDSHAKE-FAILED: <reason>";
//       other errors end the run with an exception (exit 1).

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

public class HttpsCheck {
	static char[] env(String var) {
		if (var == null || var.isEmpty() || var.equals("-"))
			return null;
		String v = System.getenv(var);
		if (v == null)
			throw new IllegalArgumentException(
			    "environment variable " + var + " is not set");
		return v.toCharArray();
	}

	// Serve with exactly one alias, as server.ssl.key-alias does.
	static final class OneAlias extends X509ExtendedKeyManager {
		private final X509ExtendedKeyManager km;
		private final String alias;

		OneAlias(X509ExtendedKeyManager km, String alias) {
			this.km = km;
			this.alias = alias;
		}
		public String[] getClientAliases(String t, Principal[] i) {
			return null;
		}
		public String chooseClientAlias(String[] t, Principal[] i,
		    Socket s) {
			return null;
		}
		public String[] getServerAliases(String t, Principal[] i) {
			return new String[] { alias };
		}
		public String chooseServerAlias(String t, Principal[] i,
		    Socket s) {
			return alias;
		}
		public String chooseEngineServerAlias(String t, Principal[] i,
		    SSLEngine e) {
			return alias;
		}
		public X509Certificate[] getCertificateChain(String a) {
			return km.getCertificateChain(a);
		}
		public PrivateKey getPrivateKey(String a) {
			return km.getPrivateKey(a);
		}
	}

	static void server(String[] a) throws Exception {
		String path = a[1];
		char[] storepass = env(a[2]);
		char[] keypass = env(a[3]);
		String alias = a[4];
		Path portfile = Path.of(a[5]);
		long seconds = Long.parseLong(a[6]);

		// Bounded: whatever happens, this JVM goes away.
		Thread killer = new Thread(() -> {
			try {
				Thread.sleep(seconds * 1000);
			} catch (InterruptedException e) {
			}
			System.err.println("HttpsCheck server: time is up");
			Runtime.getRuntime().halt(0);
		});
		killer.setDaemon(true);
		killer.start();

		KeyStore ks = KeyStore.getInstance(new File(path), storepass);
		if (!ks.isKeyEntry(alias))
			throw new IllegalStateException(path + ": " + alias +
			    " is not a key entry");
		if (ks.getKey(alias, keypass != null ? keypass : storepass) ==
		    null)
			throw new IllegalStateException("no key for " + alias);
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(
		    KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(ks, keypass != null ? keypass : storepass);
		X509ExtendedKeyManager km = null;
		for (KeyManager m : kmf.getKeyManagers())
			if (m instanceof X509ExtendedKeyManager)
				km = (X509ExtendedKeyManager)m;
		SSLContext ctx = SSLContext.getInstance("TLS");
		ctx.init(new KeyManager[] { new OneAlias(km, alias) }, null,
		    null);

		HttpsServer hs = HttpsServer.create(
		    new InetSocketAddress("127.0.0.1", 0), 0);
		hs.setHttpsConfigurator(new HttpsConfigurator(ctx));
		hs.createContext("/", ex -> {
			byte[] body = "hello from tlsdeck".getBytes(
			    StandardCharsets.UTF_8);
			ex.sendResponseHeaders(200, body.length);
			try (OutputStream os = ex.getResponseBody()) {
				os.write(body);
			}
		});
		hs.start();
		Path tmp = Path.of(a[5] + ".tmp");
		Files.writeString(tmp, hs.getAddress().getPort() + "\n");
		Files.move(tmp, portfile);
		System.err.println("HttpsCheck server: listening on port " +
		    hs.getAddress().getPort() + " with alias " + alias);
	}

	// One GET trusting only the truststore spec ("PATH" or "PATH=VAR").
	static String client(int port, String spec) throws Exception {
		int eq = spec.lastIndexOf('=');
		String path = eq < 0 ? spec : spec.substring(0, eq);
		char[] pass = eq < 0 ? null : env(spec.substring(eq + 1));
		KeyStore ts = KeyStore.getInstance(new File(path), pass);
		TrustManagerFactory tmf = TrustManagerFactory.getInstance(
		    TrustManagerFactory.getDefaultAlgorithm());
		tmf.init(ts);
		SSLContext ctx = SSLContext.getInstance("TLS");
		ctx.init(null, tmf.getTrustManagers(), null);
		URL url = new URL("https://127.0.0.1:" + port + "/");
		HttpsURLConnection c = (HttpsURLConnection)url.openConnection();
		c.setSSLSocketFactory(ctx.getSocketFactory());
		c.setConnectTimeout(10000);
		c.setReadTimeout(10000);
		try {
			int code = c.getResponseCode();
			String body;
			try (InputStream in = c.getInputStream()) {
				body = new String(in.readAllBytes(),
				    StandardCharsets.UTF_8);
			}
			return "OK " + code + " " + body + " (" + ts.size() +
			    " entries, " + ts.getType() + ")";
		} catch (SSLException e) {
			Throwable t = e;
			StringBuilder why = new StringBuilder(e.toString());
			while ((t = t.getCause()) != null)
				why.append(" / ").append(t);
			return "HANDSHAKE-FAILED: " + why;
		}
	}

	public static void main(String[] a) throws Exception {
		if (a.length == 7 && a[0].equals("server")) {
			server(a);
			return;
		}
		if (a.length >= 3 && a[0].equals("client")) {
			int port = Integer.parseInt(a[1]);
			for (int i = 2; i < a.length; i++)
				System.out.println(a[i] + ": " + client(port, a[i]));
			return;
		}
		System.err.println("usage: HttpsCheck server KEYSTORE " +
		    "STOREPASS_VAR KEYPASS_VAR ALIAS PORTFILE SECONDS\n" +
		    "       HttpsCheck client PORT TRUSTSTORE[=PASS_VAR]...");
		System.exit(2);
	}
}
