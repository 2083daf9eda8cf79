package dev.taskloop.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import dev.taskloop.system.http.HealthRoutes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files against the code they deploy: deploy/k8s/*.yaml, compose.yaml, the nginx
 * configurations and the Dockerfile. Probes name the service's health routes on its port, every
 * variable set is one the service reads (with a value it accepts), the grace periods outlast the
 * drain, and the pod runs as the image's unprivileged user on a read-only filesystem.
 */
class ManifestTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Path K8S = Path.of("deploy", "k8s");
  private static final Path COMPOSE = Path.of("compose.yaml");
  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final List<Path> NGINX =
      List.of(Path.of("deploy", "nginx.conf"), Path.of("deploy", "nginx", "compose.conf"));

  /** Read by the OpenTelemetry SDK as a family (ConfigSections passes every OTEL_* on to it). */
  private static final String OTEL_PREFIX = "OTEL_";

  @Test
  void everyManifestParsesAndNamesItsKind() throws IOException {
    List<JsonNode> docs = k8s();
    var kinds = new TreeSet<String>();
    docs.forEach(doc -> kinds.add(doc.path("kind").asText()));
    assertEquals(
        new TreeSet<>(
            Set.of(
                "ConfigMap",
                "Deployment",
                "HorizontalPodAutoscaler",
                "PodDisruptionBudget",
                "Secret",
                "Service")),
        kinds);
    for (JsonNode doc : docs) {
      assertFalse(doc.path("apiVersion").asText().isEmpty(), "apiVersion of " + doc);
      assertFalse(doc.at("/metadata/name").asText().isEmpty(), "metadata.name of " + doc);
    }
    assertTrue(compose().path("services").size() > 0, "compose.yaml has services");
  }

  @Test
  void probesAskTheHealthRoutesOnTheServicePort() throws IOException {
    JsonNode container = container();
    AppConfig config = AppConfig.fromEnv(podEnv(container));
    assertEquals(HealthRoutes.LIVE, probePath(container, "livenessProbe"), "never the database");
    assertEquals(HealthRoutes.READY, probePath(container, "readinessProbe"));
    assertTrue(
        Set.of(HealthRoutes.LIVE, HealthRoutes.READY)
            .contains(probePath(container, "startupProbe")),
        "startupProbe asks a health route");
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      JsonNode port = container.at("/" + probe + "/httpGet/port");
      assertEquals(config.port(), containerPort(container, port), probe + " port is PORT");
    }
    JsonNode servicePort = doc("Service").at("/spec/ports/0/targetPort");
    assertEquals(config.port(), containerPort(container, servicePort), "Service targetPort");
  }

  @Test
  void everyVariableSetIsOneTheServiceReads() throws IOException {
    var sets = new LinkedHashMap<String, Map<String, String>>();
    sets.put("deploy/k8s (ConfigMap, Secret, env)", podEnv(container()));
    compose()
        .path("services")
        .properties()
        .forEach(
            service -> {
              if (service.getValue().has("build")) { // the taskloop image, not postgres or nginx
                sets.put("compose.yaml " + service.getKey(), composeEnv(service.getValue()));
              }
            });
    sets.put("Dockerfile ENV", dockerfileEnv());
    assertEquals(4, sets.size(), "two compose replicas: " + sets.keySet());
    sets.forEach(
        (where, env) -> {
          assertFalse(env.isEmpty(), where + " sets variables");
          assertEquals(Set.of(), unread(env), where + ": variables the service does not read");
        });
  }

  @Test
  void unreadVariablesAreFound() {
    var env = Map.of("PORT", "8000", "OTEL_SERVICE_NAME", "taskloop", "PORTT", "1");
    assertEquals(Set.of("PORTT"), unread(env));
  }

  @Test
  void theGracePeriodsOutlastTheDrain() throws IOException {
    JsonNode pod = doc("Deployment").at("/spec/template/spec");
    AppConfig pods = AppConfig.fromEnv(podEnv(container()));
    long grace = pod.path("terminationGracePeriodSeconds").asLong(30); // Kubernetes' default
    assertTrue(pods.shutdownDelay().toSeconds() > 0, "pods drain before the listener closes");
    assertTrue(
        grace > pods.shutdownDelay().plus(pods.shutdownGrace()).toSeconds(),
        "terminationGracePeriodSeconds " + grace + " > SHUTDOWN_DELAY_S + SHUTDOWN_GRACE_S");
    compose()
        .path("services")
        .properties()
        .forEach(
            service -> {
              if (service.getValue().has("build")) {
                AppConfig replica = AppConfig.fromEnv(composeEnv(service.getValue()));
                Duration stop = seconds(service.getValue().path("stop_grace_period").asText("10s"));
                assertTrue(
                    stop.compareTo(replica.shutdownDelay().plus(replica.shutdownGrace())) > 0,
                    service.getKey() + " stop_grace_period " + stop + " outlasts the drain");
              }
            });
  }

  @Test
  void thePodRunsAsTheImageUserOnAReadOnlyFilesystem() throws IOException {
    JsonNode pod = doc("Deployment").at("/spec/template/spec");
    JsonNode container = container();
    JsonNode security = container.path("securityContext");
    assertTrue(
        security.path("runAsNonRoot").asBoolean(false)
            || pod.at("/securityContext/runAsNonRoot").asBoolean(false),
        "runAsNonRoot");
    assertTrue(security.path("readOnlyRootFilesystem").asBoolean(false), "readOnlyRootFilesystem");
    assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "no escalation");
    assertEquals("ALL", security.at("/capabilities/drop/0").asText(), "drops every capability");
    Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(Files.readString(DOCKERFILE));
    assertTrue(user.find(), "the Dockerfile names a numeric USER");
    long uid = security.path("runAsUser").asLong(pod.at("/securityContext/runAsUser").asLong(0));
    assertEquals(Long.parseLong(user.group(1)), uid, "runAsUser is the image's user");
    String tmpVolume = null;
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals("/tmp")) {
        tmpVolume = mount.path("name").asText();
      }
    }
    assertNotNull(tmpVolume, "/tmp is writable: the JVM and Vert.x write there");
    boolean emptyDir = false;
    for (JsonNode volume : pod.path("volumes")) {
      emptyDir |= volume.path("name").asText().equals(tmpVolume) && volume.has("emptyDir");
    }
    assertTrue(emptyDir, "/tmp is an emptyDir");
  }

  @Test
  void theAutoscalerAndBudgetsTargetThePods() throws IOException {
    JsonNode deployment = doc("Deployment");
    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertEquals(deployment.at("/spec/selector/matchLabels"), labels, "selector = pod labels");
    assertEquals(3, deployment.at("/spec/replicas").asInt());
    assertEquals(labels, doc("Service").at("/spec/selector"), "Service selects the pods");
    assertEquals(labels, doc("PodDisruptionBudget").at("/spec/selector/matchLabels"));
    JsonNode hpa = doc("HorizontalPodAutoscaler");
    assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
    assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
    assertEquals(
        deployment.at("/metadata/name").asText(), hpa.at("/spec/scaleTargetRef/name").asText());
    assertEquals("cpu", hpa.at("/spec/metrics/0/resource/name").asText());
  }

  @Test
  void composeRunsTheReplicasOnAHealthyPostgres() throws IOException {
    JsonNode services = compose().path("services");
    services
        .properties()
        .forEach(
            service -> {
              if (service.getValue().has("build")) {
                var url = DatabaseUrl.parse(composeEnv(service.getValue()).get("DATABASE_URL"));
                String host = assertInstance(url).host();
                assertTrue(services.at("/" + host + "/healthcheck").has("test"), host + " check");
                assertEquals(
                    "service_healthy",
                    service.getValue().at("/depends_on/" + host + "/condition").asText(),
                    service.getKey() + " waits for " + host);
              }
            });
  }

  @Test
  void nginxRetriesOnlyConnectionErrorsAndForwardsTheClient() throws IOException {
    for (Path file : NGINX) {
      String conf = Files.readString(file).replaceAll("(?m)#.*$", "");
      Matcher retry = Pattern.compile("proxy_next_upstream\\s+([^;]*);").matcher(conf);
      assertTrue(retry.find(), file + ": proxy_next_upstream");
      assertEquals(List.of("error", "timeout"), List.of(retry.group(1).trim().split("\\s+")));
      for (String header : List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-Id")) {
        assertTrue(conf.contains("proxy_set_header " + header + " "), file + ": " + header);
      }
      assertTrue(
          conf.matches("(?s).*upstream \\w+ \\{[^}]*keepalive \\d+;.*"), file + ": keepalive");
      assertTrue(conf.contains("proxy_set_header Connection \"\";"), file + ": keepalive upstream");
    }
    String compose = Files.readString(NGINX.get(1));
    for (String replica : List.of("taskloop-1", "taskloop-2")) {
      assertTrue(compose().path("services").has(replica), "compose.yaml has " + replica);
      int port = AppConfig.fromEnv(composeEnv(compose().at("/services/" + replica))).port();
      assertTrue(compose.contains("server " + replica + ":" + port + " "), replica + " upstream");
    }
  }

  // --- reading the files -------------------------------------------------------------------

  private static List<JsonNode> k8s() throws IOException {
    var docs = new ArrayList<JsonNode>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        try (var parser = YAML.createParser(file.toFile())) {
          YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
      }
    }
    assertFalse(docs.isEmpty(), "manifests under " + K8S);
    return docs;
  }

  private static JsonNode doc(String kind) throws IOException {
    List<JsonNode> found =
        k8s().stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertEquals(1, found.size(), "one " + kind);
    return found.getFirst();
  }

  private static JsonNode compose() throws IOException {
    return YAML.readTree(COMPOSE.toFile());
  }

  private static JsonNode container() throws IOException {
    JsonNode containers = doc("Deployment").at("/spec/template/spec/containers");
    assertEquals(1, containers.size(), "one container");
    return containers.get(0);
  }

  /** What the container's environment is: its envFrom ConfigMaps and Secrets, then its env. */
  private static Map<String, String> podEnv(JsonNode container) throws IOException {
    var env = new LinkedHashMap<String, String>();
    for (JsonNode from : container.path("envFrom")) {
      String kind = from.has("configMapRef") ? "ConfigMap" : "Secret";
      String ref = from.has("configMapRef") ? "configMapRef" : "secretRef";
      String name = from.path(ref).path("name").asText();
      JsonNode source = doc(kind);
      assertEquals(name, source.at("/metadata/name").asText(), kind + " referenced by envFrom");
      source.path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
      source
          .path("stringData")
          .properties()
          .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    for (JsonNode variable : container.path("env")) {
      env.put(variable.path("name").asText(), variable.path("value").asText());
    }
    return env;
  }

  /** A compose service's environment, in the map or the list form. */
  private static Map<String, String> composeEnv(JsonNode service) {
    var env = new LinkedHashMap<String, String>();
    JsonNode environment = service.path("environment");
    if (environment.isArray()) {
      for (JsonNode entry : environment) {
        String[] pair = entry.asText().split("=", 2);
        env.put(pair[0], pair.length > 1 ? pair[1] : "");
      }
    } else {
      environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    return env;
  }

  private static Map<String, String> dockerfileEnv() {
    var env = new LinkedHashMap<String, String>();
    try {
      Matcher m = Pattern.compile("(?m)^ENV (\\w+)=(\\S+)").matcher(Files.readString(DOCKERFILE));
      while (m.find()) {
        env.put(m.group(1), m.group(2));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return env;
  }

  /**
   * The names in {@code env} that {@link AppConfig#fromEnv} never asks for. It runs over the values
   * given, so a value it refuses fails the test as well.
   */
  private static Set<String> unread(Map<String, String> env) {
    var asked = new TreeSet<String>();
    AppConfig.fromEnv(
        new AbstractMap<String, String>() {
          @Override
          public String get(Object key) {
            asked.add((String) key);
            return env.get(key);
          }

          @Override
          public Set<Map.Entry<String, String>> entrySet() {
            return env.entrySet();
          }
        });
    var unread = new TreeSet<String>(env.keySet());
    unread.removeIf(name -> asked.contains(name) || name.startsWith(OTEL_PREFIX));
    return unread;
  }

  private static String probePath(JsonNode container, String probe) {
    return container.at("/" + probe + "/httpGet/path").asText();
  }

  /** A port given by number or by the name of one of the container's ports. */
  private static int containerPort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode declared : container.path("ports")) {
      if (declared.path("name").asText().equals(port.asText())) {
        return declared.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + port);
  }

  private static DatabaseUrl.Postgres assertInstance(DatabaseUrl url) {
    assertTrue(
        url instanceof DatabaseUrl.Postgres, "replicas share PostgreSQL, not SQLite: " + url);
    return (DatabaseUrl.Postgres) url;
  }

  /** A compose duration such as {@code 45s} or {@code 1m30s}. */
  private static Duration seconds(String text) {
    Matcher m = Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?").matcher(text);
    assertTrue(m.matches() && !text.isEmpty(), "a duration in m and s: " + text);
    long minutes = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long secs = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return Duration.ofSeconds(minutes * 60 + secs);
  }
}
