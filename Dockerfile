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
COPY config/jvm.options /app/jvm.options
COPY target/taskloop.jar /app/taskloop.jar
# The AOT cache (JEP 483/514) belongs to one JVM build and one jar path, so the image makes its own
# with its own java, by the jar's training run (the service on a throw-away SQLite file in /tmp, real
# requests through the JDK's HTTP client, a graceful stop). A failed training run fails the build.
# Root's and read-only, like the jar: the JVM only maps it.
RUN java @/app/jvm.options -XX:AOTCacheOutput=/app/taskloop.aot -jar /app/taskloop.jar train \
      > /tmp/training.log 2>&1 || { cat /tmp/training.log; exit 1; } \
 && rm -f /tmp/training.log \
 && test -s /app/taskloop.aot
USER 10001:10001

# Listen on every interface: 127.0.0.1, the service's default, is unreachable from outside the
# container. PORT stays the service's default (8000) unless the platform injects one (Cloud Run).
ENV HOST=0.0.0.0
EXPOSE 8000

# No HEALTHCHECK: the JRE images have no curl or wget, and Kubernetes and Cloud Run ignore it in
# favour of their own probes (/health/live, /health/ready). compose.yaml relies on nginx's
# passive checks instead.
#
# The JVM flags are config/jvm.options, the same as `./taskloop run` (heap bound, GC,
# ExitOnOutOfMemoryError: see the README), then the cache, then $JAVA_OPTS, which wins (for example
# JAVA_OPTS=-Xmx512m). The shell only expands $JAVA_OPTS and execs: the JVM is PID 1 and gets the
# SIGTERM itself (the service drains and exits 0; docker's default stop signal is SIGTERM).
ENTRYPOINT ["/bin/sh", "-c", "exec java @/app/jvm.options -XX:AOTCache=/app/taskloop.aot $JAVA_OPTS -jar /app/taskloop.jar"]
