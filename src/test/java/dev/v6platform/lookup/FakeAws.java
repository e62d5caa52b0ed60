package dev.v6platform.lookup;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A local HTTP endpoint that answers the real SDK clients with canned AWS responses, in order, and records the
 * requests (method, path and query, then the body). Not AWS: it checks nothing but serves what the test scripted.
 */
final class FakeAws implements AutoCloseable {
    record Reply(int status, String contentType, String body) {
    }

    private final HttpServer server;
    private final Deque<Reply> replies = new ArrayDeque<>();
    final List<String> requests = new ArrayList<>();

    FakeAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            Reply r;
            synchronized (this) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                        + new String(in, StandardCharsets.UTF_8));
                r = replies.isEmpty() ? new Reply(500, "text/plain", "no reply scripted") : replies.poll();
            }
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", r.contentType());
            exchange.getResponseHeaders().add("x-amzn-RequestId", "test-request");
            exchange.sendResponseHeaders(r.status(), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    synchronized FakeAws reply(int status, String contentType, String body) {
        replies.add(new Reply(status, contentType, body));
        return this;
    }

    FakeAws xml(int status, String body) {
        return reply(status, "text/xml", body);
    }

    FakeAws json(int status, String body) {
        return reply(status, "application/json", body);
    }

    /** STS's answer to GetCallerIdentity for credentials of {@code account}. */
    FakeAws sts(String account) {
        return xml(200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>arn:aws:iam::" + account + ":role/platform-admins</Arn>"
                + "<UserId>AROATEST</UserId><Account>" + account + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>test-request</RequestId></ResponseMetadata>"
                + "</GetCallerIdentityResponse>");
    }

    /** An EC2 Query-protocol error. */
    FakeAws ec2Error(int status, String code, String message) {
        return xml(status, "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                + "</Message></Error></Errors><RequestID>test-request</RequestID></Response>");
    }

    Optional<URI> endpoint() {
        return Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    static Optional<AwsCredentialsProvider> credentials() {
        return Optional.of(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
