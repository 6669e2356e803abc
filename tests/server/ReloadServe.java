// SPDX-License-Identifier: ISC
// ReloadServe.java -- a stand-in for a Spring Boot server whose SSL bundle
// has reload-on-update=true: it serves TLS on 127.0.0.1:PORT from a
// PKCS#12 keystore (one alias) and, like Spring Boot's file watcher, loads
// the keystore again once the file has changed and then stayed unchanged
// for the quiet period.  Every connection gets a handshake, then is closed.
//   java ReloadServe.java PORT KEYSTORE STOREPASS_VAR ALIAS QUIET_MS SECONDS
import java.io.File;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

public class ReloadServe {
	static volatile X509ExtendedKeyManager current;

	static X509ExtendedKeyManager load(File f, char[] pass)
	    throws Exception {
		KeyStore ks = KeyStore.getInstance(f, pass);
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(
		    KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(ks, pass);
		for (KeyManager m : kmf.getKeyManagers())
			if (m instanceof X509ExtendedKeyManager)
				return (X509ExtendedKeyManager)m;
		throw new IllegalStateException("no key manager");
	}

	// The alias, from whatever keystore was loaded last.
	static final class Swapping extends X509ExtendedKeyManager {
		private final String alias;

		Swapping(String alias) {
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
			return current.getCertificateChain(a);
		}
		public PrivateKey getPrivateKey(String a) {
			return current.getPrivateKey(a);
		}
	}

	public static void main(String[] a) throws Exception {
		int port = Integer.parseInt(a[0]);
		File f = new File(a[1]);
		char[] pass = System.getenv(a[2]).toCharArray();
		String alias = a[3];
		long quiet = Long.parseLong(a[4]);
		long seconds = Long.parseLong(a[5]);

		Thread killer = new Thread(() -> {
			try {
				Thread.sleep(seconds * 1000);
			} catch (InterruptedException e) {
			}
			Runtime.getRuntime().halt(0);
		});
		killer.setDaemon(true);
		killer.start();

		current = load(f, pass);
		Thread watcher = new Thread(() -> {
			long seen = f.lastModified(), changed = 0;
			for (;;) {
				try {
					Thread.sleep(100);
				} catch (InterruptedException e) {
					return;
				}
				long m = f.lastModified();
				long now = System.currentTimeMillis();
				if (m != seen) {
					seen = m;
					changed = now;
				} else if (changed != 0 &&
				    now - changed >= quiet) {
					changed = 0;
					try {
						current = load(f, pass);
						System.out.println("reloaded");
					} catch (Exception e) {
						System.out.println("reload " +
						    "failed: " + e);
					}
					System.out.flush();
				}
			}
		});
		watcher.setDaemon(true);
		watcher.start();

		SSLContext ctx = SSLContext.getInstance("TLS");
		ctx.init(new KeyManager[] { new Swapping(alias) }, null, null);
		try (SSLServerSocket ss = (SSLServerSocket)ctx
		    .getServerSocketFactory().createServerSocket(port, 16,
		    InetAddress.getLoopbackAddress())) {
			System.out.println("listening " + port);
			System.out.flush();
			for (;;) {
				SSLSocket s = (SSLSocket)ss.accept();
				new Thread(() -> {
					try {
						s.setSoTimeout(5000);
						s.startHandshake();
					} catch (Exception e) {
					}
					try {
						s.close();
					} catch (Exception e) {
					}
				}).start();
			}
		}
	}
}
