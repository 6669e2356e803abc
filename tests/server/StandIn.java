// SPDX-License-Identifier: ISC
// StandIn.java -- a stand-in for a running Spring Boot server: it listens
// on 127.0.0.1:PORT and closes every connection, nothing more.  The tests
// start it with the environment, system properties, --name=value
// arguments and working directory of a real server, so that tlsdeck finds
// it through the port and reads them from /proc.
//   java StandIn.java PORT [--name=value...]
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class StandIn {
	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		try (ServerSocket ss = new ServerSocket(port, 16,
		    InetAddress.getLoopbackAddress())) {
			System.out.println("listening " + port);
			System.out.flush();
			for (;;) {
				Socket s = ss.accept();
				s.close();
			}
		}
	}
}
