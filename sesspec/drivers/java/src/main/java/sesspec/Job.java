// What the Java drivers share: the job on stdin, the CA trusted, the result line on stdout
// (as the other drivers: sesspec/drivers/base.py).
package sesspec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

public final class Job {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final JsonNode scenario;
    public final JsonNode endpoint;
    public final JsonNode credentials;
    public final int proxyPort;

    private Job(JsonNode job, int proxyPort) {
        this.scenario = job.get("scenario");
        this.endpoint = job.get("endpoint");
        this.credentials = job.get("credentials");
        this.proxyPort = proxyPort;
    }

    public String action() { return scenario.get("action").asText(); }
    public JsonNode params() { return scenario.get("params"); }
    public String kind() { return scenario.get("kind").asText(); }
    public URI url() { return URI.create(endpoint.get("url").asText()); }
    public String region() { return credentials.get("region").asText(); }
    public String accessKeyId() { return credentials.get("access_key_id").asText(); }
    public String secretAccessKey() { return credentials.get("secret_access_key").asText(); }

    /** The session token of temporary credentials, or null. */
    public String sessionToken() {
        JsonNode token = credentials.get("session_token");
        return token == null || token.isNull() ? null : token.asText();
    }

    /** The text at a dotted path of the params ("Message.Subject.Data"), or null. */
    public static String text(JsonNode node, String path) {
        JsonNode at = node;
        for (String part : path.split("\\.")) {
            at = at == null ? null : at.get(part);
        }
        return at == null || at.isNull() ? null : at.asText();
    }

    /** The strings of a list at a dotted path, or null when absent. */
    public static List<String> list(JsonNode node, String path) {
        JsonNode at = node;
        for (String part : path.split("\\.")) {
            at = at == null ? null : at.get(part);
        }
        if (at == null || at.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        at.forEach(item -> out.add(item.asText()));
        return out;
    }

    /** A truststore holding the endpoint's CA alone, made the JVM's default. */
    private static void trust(String caPath) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (Certificate cert : factory.generateCertificates(
                new ByteArrayInputStream(Files.readAllBytes(Path.of(caPath))))) {
            store.setCertificateEntry("sesspec-" + n++, cert);
        }
        File file = File.createTempFile("sesspec-trust", ".p12");
        file.deleteOnExit();
        try (OutputStream out = new FileOutputStream(file)) {
            store.store(out, "sesspec".toCharArray());
        }
        System.setProperty("javax.net.ssl.trustStore", file.getPath());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.trustStorePassword", "sesspec");
    }

    public interface Driver {
        ObjectNode run(Job job) throws Exception;
    }

    /** A result line. */
    public static ObjectNode result(String status, String detail) {
        ObjectNode node = JSON.createObjectNode();
        node.put("status", status);
        node.put("detail", detail.length() > 4000 ? detail.substring(0, 4000) : detail);
        return node;
    }

    static void emit(ObjectNode result) {
        System.out.println("SESSPEC-RESULT " + result.toString());
        System.out.flush();
    }

    /** Read the job, install the guard, trust the CA, run; or, with --probe URL..., fetch
     * each URL through the guard and print its status or the error (the guard's test). */
    public static void main(String[] args, Driver driver) {
        ObjectNode result;
        try {
            if (args.length > 0 && args[0].equals("--probe")) {
                List<String> names = new ArrayList<>();
                for (int i = 1; i < args.length; i++) {
                    names.add(URI.create(args[i]).getHost().replace("[", "").replace("]", ""));
                }
                Guard.hosts(names);
                Guard.install();
                for (int i = 1; i < args.length; i++) {
                    System.out.println(Probe.fetch(args[i]));
                }
                System.exit(0);
            }
            JsonNode read = JSON.readTree(new String(System.in.readAllBytes(),
                    StandardCharsets.UTF_8));
            Guard.hosts(List.of(read.get("endpoint").get("host").asText()));
            Job job = new Job(read, Guard.install());
            JsonNode ca = job.endpoint.get("ca_path");
            if (ca != null && !ca.isNull()) {
                trust(ca.asText());
            }
            result = driver.run(job);
        } catch (NotSupported e) {
            result = result("not-supported", e.getMessage());
        } catch (Throwable e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            System.err.println(trace);
            result = result("client-error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        emit(result);
        System.exit(0);
    }

    public static final class NotSupported extends Exception {
        public NotSupported(String message) { super(message); }
    }
}
