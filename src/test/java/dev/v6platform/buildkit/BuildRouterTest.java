package dev.v6platform.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router's configuration, checked by HAProxy itself ({@code haproxy -c}) and run: on loopback, with stand-in
 * builders that answer a connection with their ordinal, a builder that starts takes keys through the router and one
 * that stops gives them back. HAProxy comes from the Debian package {@code haproxy}, which {@code .ci/run} installs.
 */
class BuildRouterTest {
    static BuildkitSpec spec;
    static BuildkitSpec.Pool arm;
    static BuildkitSpec.Pool amd;
    static Path dir;
    static final List<String> REPOSITORIES = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        spec = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml")).buildkit().orElseThrow();
        arm = spec.pools().stream().filter(p -> p.architecture().equals("arm64")).findFirst().orElseThrow();
        amd = spec.pools().stream().filter(p -> p.architecture().equals("amd64")).findFirst().orElseThrow();
        dir = FixtureSynthesis.fresh("build-router");
        for (int i = 0; i < 60; i++) {
            REPOSITORIES.add("apps/service-" + i);
        }
    }

    @Test
    void the_ring_lists_every_ordinal_up_to_max_replicas_with_a_fixed_id_and_haproxy_accepts_it() throws Exception {
        String cfg = BuildRouter.config(spec);
        for (BuildkitSpec.Pool pool : spec.pools()) {
            String arch = pool.architecture();
            Matcher servers = Pattern.compile("(?m)^  server " + arch + "-(\\d+) buildkitd-" + arch + "-(\\d+)\\.buildkitd-"
                    + arch + "\\.buildkit\\.svc\\.cluster\\.local:1234 id (\\d+)$").matcher(cfg);
            List<Integer> ordinals = new ArrayList<>();
            while (servers.find()) {
                assertThat(servers.group(2)).isEqualTo(servers.group(1));
                assertThat(Integer.parseInt(servers.group(3))).isEqualTo(Integer.parseInt(servers.group(1)) + 1);
                ordinals.add(Integer.parseInt(servers.group(1)));
            }
            assertThat(ordinals).as(arch + " ordinals").hasSize(pool.maxReplicas())
                    .isEqualTo(java.util.stream.IntStream.range(0, pool.maxReplicas()).boxed().toList());
        }
        assertThat(cfg).contains("  balance hash var(sess.sni)\n  hash-type consistent\n")
                .contains(" init-addr none resolvers cluster resolve-prefer ipv6\n")
                .contains("  hold nx 5s\n");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        Run check = run("-c", "-f", file.toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("Configuration file is valid");
    }

    @Test
    void every_server_name_is_covered_by_the_builders_certificate_and_the_key_is_sha256sum() throws Exception {
        String key = BuildRouter.key("apps/web");
        Process p = new ProcessBuilder("sh", "-c", "printf %s apps/web | sha256sum | cut -c1-16").start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo(key);
        for (BuildkitSpec.Pool pool : spec.pools()) {
            String name = BuildRouter.serverName(pool, key);
            // the certificate's wildcard covers exactly one label in front of the pool's Service name
            assertThat(name).matches("[0-9a-f]{16}\\." + Pattern.quote("buildkitd-" + pool.architecture()
                    + ".buildkit.svc.cluster.local"));
            assertThat(name.length()).isLessThanOrEqualTo(253);
        }
    }

    @Test
    void a_builder_that_starts_takes_keys_through_the_router_and_one_that_stops_gives_them_back() throws Exception {
        Map<String, int[]> ports = new LinkedHashMap<>();
        for (BuildkitSpec.Pool pool : spec.pools()) {
            int[] p = new int[pool.maxReplicas()];
            for (int i = 0; i < p.length; i++) {
                p[i] = freePort();
            }
            ports.put(pool.architecture(), p);
        }
        int front = freePort();
        int metrics = freePort();
        String cfg = BuildRouter.config(spec, "127.0.0.1:" + front, "127.0.0.1:" + metrics,
                (pool, ordinal) -> "127.0.0.1:" + ports.get(pool.architecture())[ordinal], false);
        Path file = dir.resolve("loopback.cfg");
        Files.writeString(file, cfg);
        Map<Integer, Builder> builders = new HashMap<>();
        Process haproxy = new ProcessBuilder(haproxy(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        try {
            builders.put(0, new Builder(ports.get("arm64")[0], 0));
            Map<String, Integer> one = awaitRouting(front, arm, m -> m.values().stream().allMatch(o -> o == 0));
            assertThat(one.values()).containsOnly(0);

            // the autoscaler adds replica 1: it takes a share of the keys, every other key stays
            builders.put(1, new Builder(ports.get("arm64")[1], 1));
            Map<String, Integer> two = awaitRouting(front, arm, m -> m.containsValue(1));
            assertThat(two.values()).containsOnly(0, 1);
            assertThat(two.values().stream().filter(o -> o == 1).count()).as("keys on the new replica")
                    .isBetween(10L, 50L);
            assertThat(route(front, arm, REPOSITORIES)).as("a key stays on its builder").isEqualTo(two);
            assertThat(get(metrics, "/metrics")).contains("haproxy_backend_active_servers{proxy=\"buildkitd-arm64\"} 2");

            // and replica 2: only keys that go to it move (consistent hashing, not modulo)
            builders.put(2, new Builder(ports.get("arm64")[2], 2));
            Map<String, Integer> three = awaitRouting(front, arm, m -> m.containsValue(2));
            for (String repository : REPOSITORIES) {
                assertThat(three.get(repository)).as(repository).isIn(two.get(repository), 2);
            }

            // replica 2 stops (scaled down): its keys go back where they were, no other key moves
            builders.remove(2).close();
            Map<String, Integer> back = awaitRouting(front, arm, m -> !m.containsValue(2));
            assertThat(back).isEqualTo(two);

            // the server name chooses the pool; a client without one is refused
            Builder amd64 = new Builder(ports.get("amd64")[0], 100);
            try {
                assertThat(awaitRouting(front, amd, m -> m.values().stream().allMatch(o -> o == 100)).values())
                        .containsOnly(100);
            } finally {
                amd64.close();
            }
            assertThat(routeRaw(front, clientHello("apps-web.example.com"))).isEqualTo(-1);
            assertThat(routeRaw(front, "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        } finally {
            haproxy.destroy();
            haproxy.waitFor(10, TimeUnit.SECONDS);
            for (Builder b : builders.values()) {
                b.close();
            }
        }
    }

    /** Routes every repository until {@code done} holds (the router's checks run every 2 s), within 20 s. */
    private static Map<String, Integer> awaitRouting(int front, BuildkitSpec.Pool pool,
            java.util.function.Predicate<Map<String, Integer>> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<String, Integer> last = route(front, pool, REPOSITORIES);
        while (!done.test(last) || last.containsValue(-1)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("routing did not settle: " + last + "\n"
                        + Files.readString(dir.resolve("haproxy.log")));
            }
            Thread.sleep(250);
            last = route(front, pool, REPOSITORIES);
        }
        return last;
    }

    private static Map<String, Integer> route(int front, BuildkitSpec.Pool pool, List<String> repositories)
            throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String repository : repositories) {
            out.put(repository, routeRaw(front, clientHello(BuildRouter.serverName(pool,
                    BuildRouter.key(repository)))));
        }
        return out;
    }

    /** Sends {@code hello} through the router: the ordinal of the builder that answers, or -1 if refused. */
    private static int routeRaw(int front, byte[] hello) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), front)) {
            s.setSoTimeout(8000);
            s.getOutputStream().write(hello);
            s.getOutputStream().flush();
            return s.getInputStream().read();
        } catch (java.net.SocketException e) {
            return -1;
        }
    }

    /** A TLS 1.2 ClientHello record carrying {@code serverName} in its SNI extension (what buildx sends first). */
    static byte[] clientHello(String serverName) {
        byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream sni = new ByteArrayOutputStream();
        u16(sni, 0);
        u16(sni, name.length + 5);
        u16(sni, name.length + 3);
        sni.write(0);
        u16(sni, name.length);
        sni.writeBytes(name);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, 0x0303);
        body.writeBytes(new byte[32]);
        body.write(0);
        u16(body, 2);
        u16(body, 0xc02f);
        body.write(1);
        body.write(0);
        u16(body, sni.size());
        body.writeBytes(sni.toByteArray());
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        u16(record, 0x0301);
        u16(record, body.size() + 4);
        record.write(1);
        record.write(0);
        u16(record, body.size());
        record.writeBytes(body.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v & 0xff);
    }

    /** A stand-in builder: answers every connection with its ordinal, once it has read what the client sent. */
    static final class Builder implements AutoCloseable {
        private final ServerSocket socket;

        Builder(int port, int ordinal) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        c.setSoTimeout(2000);
                        InputStream in = c.getInputStream();
                        if (in.read() >= 0) {
                            c.getOutputStream().write(ordinal);
                        }
                    } catch (IOException e) {
                        // the router's connect checks close at once; a closed socket ends the loop
                    }
                }
            }, "builder-" + ordinal);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    record Run(int exit, String output) {
    }

    private static Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(haproxy()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** HAProxy from PATH or /usr/sbin; missing, a failure that says how to install it. */
    static String haproxy() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/sbin");
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "haproxy"))) {
                return Path.of(d, "haproxy").toString();
            }
        }
        throw new AssertionError("haproxy is not installed: install the Debian package haproxy (.ci/run does)");
    }
}
