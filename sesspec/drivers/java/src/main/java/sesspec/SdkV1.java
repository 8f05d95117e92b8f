// The AWS SDK for Java 1.x (com.amazonaws:aws-java-sdk-ses), as its guide configures a client
// for another endpoint: AmazonSimpleEmailServiceClientBuilder with an EndpointConfiguration
// (the URL and the signing region), static credentials, and a ClientConfiguration without
// retries whose proxy is the guard's loopback proxy. Each scenario's params become the
// operation's request object; the SDK flattens, encodes and signs. It has no presigner for SES.
package sesspec;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.Protocol;
import com.amazonaws.auth.AWSCredentials;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.auth.BasicSessionCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.retry.PredefinedRetryPolicies;
import com.amazonaws.services.simpleemail.AmazonSimpleEmailService;
import com.amazonaws.services.simpleemail.AmazonSimpleEmailServiceClientBuilder;
import com.amazonaws.services.simpleemail.model.Body;
import com.amazonaws.services.simpleemail.model.BulkEmailDestination;
import com.amazonaws.services.simpleemail.model.Content;
import com.amazonaws.services.simpleemail.model.Destination;
import com.amazonaws.services.simpleemail.model.ListIdentitiesRequest;
import com.amazonaws.services.simpleemail.model.Message;
import com.amazonaws.services.simpleemail.model.MessageTag;
import com.amazonaws.services.simpleemail.model.RawMessage;
import com.amazonaws.services.simpleemail.model.SendBulkTemplatedEmailRequest;
import com.amazonaws.services.simpleemail.model.SendEmailRequest;
import com.amazonaws.services.simpleemail.model.SendRawEmailRequest;
import com.amazonaws.services.simpleemail.model.SendTemplatedEmailRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public final class SdkV1 {
    private SdkV1() {}

    static Destination destination(JsonNode d) {
        return new Destination()
                .withToAddresses(Job.list(d, "ToAddresses"))
                .withCcAddresses(Job.list(d, "CcAddresses"))
                .withBccAddresses(Job.list(d, "BccAddresses"));
    }

    static Content content(JsonNode c) {
        return c == null ? null
                : new Content().withData(Job.text(c, "Data")).withCharset(Job.text(c, "Charset"));
    }

    static List<MessageTag> tags(JsonNode list) {
        if (list == null) {
            return null;
        }
        List<MessageTag> out = new ArrayList<>();
        list.forEach(t -> out.add(new MessageTag()
                .withName(Job.text(t, "Name")).withValue(Job.text(t, "Value"))));
        return out;
    }

    static ObjectNode run(Job job) throws Exception {
        if (job.kind().equals("presign-get")) {
            throw new Job.NotSupported("the AWS SDK for Java 1.x has no presigner for SES");
        }
        String token = job.sessionToken();
        AWSCredentials credentials = token == null
                ? new BasicAWSCredentials(job.accessKeyId(), job.secretAccessKey())
                : new BasicSessionCredentials(job.accessKeyId(), job.secretAccessKey(), token);
        ClientConfiguration config = new ClientConfiguration()
                .withRetryPolicy(PredefinedRetryPolicies.NO_RETRY_POLICY)
                .withProxyHost("127.0.0.1")
                .withProxyPort(job.proxyPort)
                .withProxyProtocol(Protocol.HTTP)
                .withNonProxyHosts("");
        AmazonSimpleEmailService ses = AmazonSimpleEmailServiceClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(
                        job.url().toString(), job.region()))
                .withCredentials(new AWSStaticCredentialsProvider(credentials))
                .withClientConfiguration(config)
                .build();
        JsonNode p = job.params();
        Object response;
        switch (job.action()) {
            case "SendEmail":
                JsonNode m = p.get("Message");
                JsonNode body = m.get("Body");
                response = ses.sendEmail(new SendEmailRequest()
                        .withSource(Job.text(p, "Source"))
                        .withDestination(destination(p.get("Destination")))
                        .withReplyToAddresses(Job.list(p, "ReplyToAddresses"))
                        .withTags(tags(p.get("Tags")))
                        .withConfigurationSetName(Job.text(p, "ConfigurationSetName"))
                        .withMessage(new Message(content(m.get("Subject")), new Body()
                                .withText(content(body.get("Text")))
                                .withHtml(content(body.get("Html"))))));
                break;
            case "SendRawEmail":
                response = ses.sendRawEmail(new SendRawEmailRequest()
                        .withSource(Job.text(p, "Source"))
                        .withDestinations(Job.list(p, "Destinations"))
                        .withTags(tags(p.get("Tags")))
                        .withConfigurationSetName(Job.text(p, "ConfigurationSetName"))
                        .withRawMessage(new RawMessage(ByteBuffer.wrap(
                                Job.text(p, "RawMessage.Data").getBytes(StandardCharsets.UTF_8)))));
                break;
            case "SendTemplatedEmail":
                response = ses.sendTemplatedEmail(new SendTemplatedEmailRequest()
                        .withSource(Job.text(p, "Source"))
                        .withDestination(destination(p.get("Destination")))
                        .withTemplate(Job.text(p, "Template"))
                        .withTemplateData(Job.text(p, "TemplateData"))
                        .withTags(tags(p.get("Tags")))
                        .withConfigurationSetName(Job.text(p, "ConfigurationSetName")));
                break;
            case "SendBulkTemplatedEmail":
                List<BulkEmailDestination> destinations = new ArrayList<>();
                p.get("Destinations").forEach(d -> destinations.add(new BulkEmailDestination()
                        .withDestination(destination(d.get("Destination")))
                        .withReplacementTemplateData(Job.text(d, "ReplacementTemplateData"))
                        .withReplacementTags(tags(d.get("ReplacementTags")))));
                response = ses.sendBulkTemplatedEmail(new SendBulkTemplatedEmailRequest()
                        .withSource(Job.text(p, "Source"))
                        .withTemplate(Job.text(p, "Template"))
                        .withDefaultTemplateData(Job.text(p, "DefaultTemplateData"))
                        .withDefaultTags(tags(p.get("DefaultTags")))
                        .withDestinations(destinations)
                        .withConfigurationSetName(Job.text(p, "ConfigurationSetName")));
                break;
            case "ListIdentities":
                response = ses.listIdentities(new ListIdentitiesRequest()
                        .withIdentityType(Job.text(p, "IdentityType"))
                        .withMaxItems(p.has("MaxItems") ? p.get("MaxItems").asInt() : null)
                        .withNextToken(Job.text(p, "NextToken")));
                break;
            default:
                throw new Job.NotSupported("this driver does not call " + job.action());
        }
        ses.shutdown();
        ObjectNode out = Job.result("ok", "");
        out.putObject("response").put("output", String.valueOf(response));
        return out;
    }

    public static void main(String[] args) {
        Job.main(args, SdkV1::run);
    }
}
