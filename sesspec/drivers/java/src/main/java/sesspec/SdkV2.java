// The AWS SDK for Java 2.x (software.amazon.awssdk:ses), as its guide configures a client for
// another endpoint: SesClient.builder().endpointOverride(URI).region().credentialsProvider()
// with the Apache HTTP client (here through the guard's loopback proxy), no retries. Each
// scenario's params become the operation's request through its builders; the SDK flattens,
// encodes and signs (SigV4). It has no presigner for SES.
package sesspec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.Body;
import software.amazon.awssdk.services.ses.model.BulkEmailDestination;
import software.amazon.awssdk.services.ses.model.Content;
import software.amazon.awssdk.services.ses.model.Destination;
import software.amazon.awssdk.services.ses.model.MessageTag;
import software.amazon.awssdk.services.ses.model.RawMessage;

public final class SdkV2 {
    private SdkV2() {}

    static Destination destination(JsonNode d) {
        return Destination.builder()
                .toAddresses(Job.list(d, "ToAddresses"))
                .ccAddresses(Job.list(d, "CcAddresses"))
                .bccAddresses(Job.list(d, "BccAddresses"))
                .build();
    }

    static Content content(JsonNode c) {
        return c == null ? null
                : Content.builder().data(Job.text(c, "Data")).charset(Job.text(c, "Charset")).build();
    }

    static List<MessageTag> tags(JsonNode list) {
        if (list == null) {
            return null;
        }
        List<MessageTag> out = new ArrayList<>();
        list.forEach(t -> out.add(MessageTag.builder()
                .name(Job.text(t, "Name")).value(Job.text(t, "Value")).build()));
        return out;
    }

    // useEnvironmentVariableValues(false) where the release has it (NO_PROXY=* in the child
    // too); a release without it reads no proxy from the environment. Called by name so that
    // the driver compiles against every release (sesspec sweep builds it against each).
    static void ignoreEnvironmentProxy(ProxyConfiguration.Builder proxy) throws Exception {
        java.lang.reflect.Method method;
        try {
            method = ProxyConfiguration.Builder.class.getMethod("useEnvironmentVariableValues", Boolean.class);
        } catch (NoSuchMethodException absent) {
            return;
        }
        method.invoke(proxy, Boolean.FALSE);
    }

    static ObjectNode run(Job job) throws Exception {
        if (job.kind().equals("presign-get")) {
            throw new Job.NotSupported("the AWS SDK for Java 2.x has no presigner for SES");
        }
        String token = job.sessionToken();
        AwsCredentials credentials = token == null
                ? AwsBasicCredentials.create(job.accessKeyId(), job.secretAccessKey())
                : AwsSessionCredentials.create(job.accessKeyId(), job.secretAccessKey(), token);
        ProxyConfiguration.Builder proxy = ProxyConfiguration.builder()
                .endpoint(URI.create("http://127.0.0.1:" + job.proxyPort))
                .useSystemPropertyValues(false);
        ignoreEnvironmentProxy(proxy);
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().proxyConfiguration(proxy.build());
        try (SesClient ses = SesClient.builder()
                .endpointOverride(job.url())
                .region(Region.of(job.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClientBuilder(http)
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                .build()) {
            JsonNode p = job.params();
            Object response;
            switch (job.action()) {
                case "SendEmail":
                    JsonNode m = p.get("Message");
                    JsonNode body = m.get("Body");
                    response = ses.sendEmail(r -> r
                            .source(Job.text(p, "Source"))
                            .destination(destination(p.get("Destination")))
                            .replyToAddresses(Job.list(p, "ReplyToAddresses"))
                            .tags(tags(p.get("Tags")))
                            .configurationSetName(Job.text(p, "ConfigurationSetName"))
                            .message(b -> b.subject(content(m.get("Subject")))
                                    .body(Body.builder().text(content(body.get("Text")))
                                            .html(content(body.get("Html"))).build())));
                    break;
                case "SendRawEmail":
                    response = ses.sendRawEmail(r -> r
                            .source(Job.text(p, "Source"))
                            .destinations(Job.list(p, "Destinations"))
                            .tags(tags(p.get("Tags")))
                            .configurationSetName(Job.text(p, "ConfigurationSetName"))
                            .rawMessage(RawMessage.builder().data(
                                    SdkBytes.fromUtf8String(Job.text(p, "RawMessage.Data")))
                                    .build()));
                    break;
                case "SendTemplatedEmail":
                    response = ses.sendTemplatedEmail(r -> r
                            .source(Job.text(p, "Source"))
                            .destination(destination(p.get("Destination")))
                            .template(Job.text(p, "Template"))
                            .templateData(Job.text(p, "TemplateData"))
                            .tags(tags(p.get("Tags")))
                            .configurationSetName(Job.text(p, "ConfigurationSetName")));
                    break;
                case "SendBulkTemplatedEmail":
                    List<BulkEmailDestination> destinations = new ArrayList<>();
                    p.get("Destinations").forEach(d -> destinations.add(BulkEmailDestination.builder()
                            .destination(destination(d.get("Destination")))
                            .replacementTemplateData(Job.text(d, "ReplacementTemplateData"))
                            .replacementTags(tags(d.get("ReplacementTags")))
                            .build()));
                    response = ses.sendBulkTemplatedEmail(r -> r
                            .source(Job.text(p, "Source"))
                            .template(Job.text(p, "Template"))
                            .defaultTemplateData(Job.text(p, "DefaultTemplateData"))
                            .defaultTags(tags(p.get("DefaultTags")))
                            .destinations(destinations)
                            .configurationSetName(Job.text(p, "ConfigurationSetName")));
                    break;
                case "ListIdentities":
                    response = ses.listIdentities(r -> r
                            .identityType(Job.text(p, "IdentityType"))
                            .maxItems(p.has("MaxItems") ? p.get("MaxItems").asInt() : null)
                            .nextToken(Job.text(p, "NextToken")));
                    break;
                default:
                    throw new Job.NotSupported("this driver does not call " + job.action());
            }
            ObjectNode out = Job.result("ok", "");
            out.putObject("response").put("output", String.valueOf(response));
            return out;
        }
    }

    public static void main(String[] args) {
        Job.main(args, SdkV2::run);
    }
}
