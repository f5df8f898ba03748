# One image mechanism for the three services: docker compose passes the module as a build argument
# (orchestrator-service, vcenter-agent or azure-agent). Built from the repository root, run on a JRE.
FROM eclipse-temurin:17.0.15_6-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN test -n "$MODULE" || { echo "build with --build-arg MODULE=<service module>" >&2; exit 1; } \
 && ./mvnw -B -q -pl "$MODULE" -am package -DskipTests \
 && cp "$MODULE"/target/"$MODULE"-*.jar /src/service.jar

FROM eclipse-temurin:17.0.15_6-jre
RUN useradd --system --uid 10001 failback && mkdir -p /var/lib/failback && chown failback /var/lib/failback
USER failback
COPY --from=build /src/service.jar /opt/failback/service.jar
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/failback/service.jar"]
