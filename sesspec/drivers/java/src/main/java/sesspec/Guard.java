// The loopback guard of the Java drivers: the same rule as sesspec/drivers/_guard.py.
//
// Clients are handed the real SES host name and reach it through an HTTP proxy that runs in
// this JVM on 127.0.0.1 (the route clients-howto names: "an HTTP proxy on loopback"): a
// CONNECT (or an absolute-form request) to a host name goes to the endpoint's port
// ($SESSPEC_LOOPBACK_PORT) on 127.0.0.1; to an address that is not loopback, it is refused.
// Underneath, a JVM-wide security manager refuses every socket connection to an address that
// is not loopback, whatever a library does with the proxy settings, and names are looked up
// in a hosts file alone (jdk.net.hosts.file: the names the client is told, as 127.0.0.1), so
// no lookup leaves the machine either.
package sesspec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Permission;

public final class Guard {
    private Guard() {}

    /** Whether host (a name or an address, maybe in brackets) is loopback. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        if (!literal(h)) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether host is an address written out (IPv4 dotted or IPv6), not a name. */
    static boolean literal(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** The message of a refusal (the tests read it). */
    static String refused(String host, int port) {
        String shown = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "sesspec driver guard: refused " + shown + ":" + port + " (loopback only)";
    }

    @SuppressWarnings("removal")
    private static final class Manager extends SecurityManager {
        @Override
        public void checkConnect(String host, int port) {
            // A socket is checked with the address it connects to: any address that is not
            // loopback is refused. A name is checked before a lookup (port -1) and by URL
            // connections: names resolve from the hosts file alone, to 127.0.0.1.
            if (literal(host.replace("[", "").replace("]", "")) && !loopback(host)) {
                throw new SecurityException(refused(host, port));
            }
        }

        @Override
        public void checkConnect(String host, int port, Object context) {
            checkConnect(host, port);
        }

        @Override
        public void checkPermission(Permission perm) {}

        @Override
        public void checkPermission(Permission perm, Object context) {}
    }

    /** Answer the lookups of names from a hosts file alone: each of names as 127.0.0.1 (before
     * the first lookup of the JVM). */
    public static void hosts(java.util.Collection<String> names) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            if (!literal(name)) {
                text.append("127.0.0.1 ").append(name).append("\n");
            }
        }
        java.io.File file = java.io.File.createTempFile("sesspec-hosts", ".txt");
        file.deleteOnExit();
        java.nio.file.Files.writeString(file.toPath(), text.toString());
        System.setProperty("jdk.net.hosts.file", file.getPath());
    }

    /** Start the proxy, point the JVM's proxy settings at it, install the security manager;
     * the proxy's port. */
    @SuppressWarnings("removal")
    public static int install() throws IOException {
        String value = System.getenv("SESSPEC_LOOPBACK_PORT");
        if (value == null) {
            throw new IOException("sesspec guard: SESSPEC_LOOPBACK_PORT is not set");
        }
        int endpoint = Integer.parseInt(value);
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread accept = new Thread(() -> serve(server, endpoint), "sesspec-guard");
        accept.setDaemon(true);
        accept.start();
        String port = Integer.toString(server.getLocalPort());
        for (String scheme : new String[] {"http", "https"}) {
            System.setProperty(scheme + ".proxyHost", "127.0.0.1");
            System.setProperty(scheme + ".proxyPort", port);
        }
        System.setProperty("http.nonProxyHosts", "");
        System.setSecurityManager(new Manager());
        return server.getLocalPort();
    }

    private static void serve(ServerSocket server, int endpoint) {
        while (true) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> tunnel(client, endpoint), "sesspec-guard-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            out.write(b);
        }
        return out.toString(StandardCharsets.ISO_8859_1).replaceAll("\r$", "");
    }

    private static void tunnel(Socket client, int endpoint) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String request = line(in);
            String[] parts = request.split(" ");
            if (parts.length != 3) {
                return;
            }
            boolean connect = parts[0].equals("CONNECT");
            String authority = connect ? parts[1] : parts[1].replaceFirst("^[a-z]+://", "");
            String path = connect ? "" : authority.replaceFirst("^[^/]*", "");
            authority = authority.replaceFirst("/.*$", "");
            int colon = authority.lastIndexOf(':');
            boolean bracket = authority.endsWith("]");
            String host = colon > 0 && !bracket ? authority.substring(0, colon) : authority;
            int port = colon > 0 && !bracket ? Integer.parseInt(authority.substring(colon + 1))
                    : (connect ? 443 : 80);
            StringBuilder head = new StringBuilder();
            String header;
            while (!(header = line(in)).isEmpty()) {
                head.append(header).append("\r\n");
            }
            if (literal(host.replace("[", "").replace("]", "")) && !loopback(host)) {
                byte[] body = refused(host.replace("[", "").replace("]", ""), port)
                        .getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 403 Forbidden\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                return;
            }
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress("127.0.0.1", endpoint), 30000);
                OutputStream up = upstream.getOutputStream();
                if (connect) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    up.write((parts[0] + " " + (path.isEmpty() ? "/" : path) + " " + parts[2]
                            + "\r\n" + head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
                Thread back = new Thread(() -> pipe(upstream, client), "sesspec-guard-back");
                back.setDaemon(true);
                back.start();
                in.transferTo(up);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // the connection ends; the client sees it closed
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }
}
