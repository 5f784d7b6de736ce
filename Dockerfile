# The operator's container image, for machines with a container engine and a registry:
#   docker build --build-arg VERSION=0.1.0 -t ghcr.io/xaccess/xaccess-operator:0.1.0 .
# Where neither exists, `make image` builds the same image without a daemon (Jib, see
# docs/container-image.md); its entrypoint, user, ports and layout are this file's.
#
# Runs with a read-only root filesystem as long as /tmp is writable (an emptyDir in Kubernetes):
# the JVM's perf data and Vert.x's file cache go there, nothing else is written.

# --- build: the Quarkus fast-jar (target/quarkus-app) ---
FROM eclipse-temurin:17.0.17_10-jdk-noble AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B --no-transfer-progress package -DskipTests

# --- runtime: Debian 12's OpenJDK 17, no shell, no package manager ---
FROM gcr.io/distroless/java17-debian12:nonroot
# checkov:skip=CKV_DOCKER_2: there is no shell or HTTP client to run a HEALTHCHECK with; Kubernetes ignores it and probes /q/health/live and /q/health/ready on port 9000 instead
ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="xaccess-operator" \
      org.opencontainers.image.description="Kubernetes operator that grants a development AWS account short-lived, verified access to a production S3 bucket." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/xaccess/xaccess" \
      org.opencontainers.image.licenses="Apache-2.0"

# One layer per part of the fast-jar, least changing first; owned by root, so the operator cannot
# change its own code.
COPY --from=build /src/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /src/target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
COPY --from=build /src/target/quarkus-app/app/ /deployments/app/
COPY --from=build /src/target/quarkus-app/quarkus/ /deployments/quarkus/
WORKDIR /deployments

# distroless' "nonroot"; numeric, so runAsNonRoot can check it.
USER 65532:65532
# 8080: Quarkus' HTTP server; 9000: the management interface (/q/metrics, /q/health/*).
# No CMD: arguments after the image name reach the jar. None starts the operator; "render -f -"
# renders a grant offline and exits (docs/render.md): docker run --rm -i IMAGE render -f - < grant.yaml
EXPOSE 8080 9000
ENTRYPOINT ["/usr/bin/java", "-XX:MaxRAMPercentage=40", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", \
            "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", \
            "-jar", "/deployments/quarkus-run.jar"]
