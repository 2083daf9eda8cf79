# The service's image, from the jar the build makes (no Maven stage: the image holds exactly the
# jar the tests ran against, and a build here cannot reach a registry for Maven's own image):
#
#   ./taskloop build && docker build -t taskloop .          (podman build works the same)
#
# BASE_IMAGE must have a Java 25 runtime whose `java` is on PATH, as the Temurin images do at
# /opt/java/openjdk/bin. The tests (ImageIT) build this file on a local Debian base made that way.
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}

# A numeric, unprivileged user, so that Kubernetes' runAsNonRoot can verify it without reading
# /etc/passwd. /app/data holds the SQLite default (DATABASE_URL unset) and belongs to that user;
# the jar stays root's and read-only. useradd exists on the Debian and Ubuntu bases.
RUN groupadd --system --gid 10001 taskloop \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin taskloop \
 && mkdir -p /app/data \
 && chown 10001:10001 /app/data
WORKDIR /app
COPY target/taskloop.jar /app/taskloop.jar
USER 10001:10001

# Listen on every interface: 127.0.0.1, the service's default, is unreachable from outside the
# container. PORT stays the service's default (8000) unless the platform injects one (Cloud Run).
ENV HOST=0.0.0.0
EXPOSE 8000

# No HEALTHCHECK: the JRE images have no curl or wget, and Kubernetes and Cloud Run ignore it in
# favour of their own probes (/health/live, /health/ready). compose.yaml relies on nginx's
# passive checks instead.
#
# Exec form, so that the JVM is PID 1 and gets the SIGTERM itself (the service drains and exits
# 0; docker's default stop signal is SIGTERM). MaxRAMPercentage sizes the heap from the
# container's memory limit (the JVM's default is 25 %); the rest is for metaspace, threads and
# Netty's direct buffers. ExitOnOutOfMemoryError lets the orchestrator restart a JVM that ran out
# of heap instead of leaving it half-working. JAVA_TOOL_OPTIONS stays free for the operator's own
# flags (for example -Xmx, which wins over the percentage).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/taskloop.jar"]
