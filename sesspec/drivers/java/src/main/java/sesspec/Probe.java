// --probe: a URL fetched with HttpURLConnection through the guard (its status, or the error);
// tcp://HOST:PORT, a plain socket connected past the proxy (what the security manager says).
package sesspec;

import java.net.HttpURLConnection;
import java.net.URL;

final class Probe {
    private Probe() {}

    static String fetch(String url) {
        try {
            if (url.startsWith("tcp://")) {
                java.net.URI where = java.net.URI.create(url);
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress(where.getHost(), where.getPort()), 5000);
                    return "connected";
                }
            }
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            connection.setConnectTimeout(10000);
            connection.setReadTimeout(10000);
            int status = connection.getResponseCode();
            if (status == 403) {
                return new String(connection.getErrorStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
            return Integer.toString(status);
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
