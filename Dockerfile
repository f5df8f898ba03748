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
# A failback is a burst after days of idleness, so its hot paths are compiled while it runs: a smaller inlining budget
# makes C2 compile about half as much for the same steady-state CPU per command (scripts/bench.sh, README Performance).
# The parallel collector: a service that mostly waits for agents, then works a burst, gains more from barrier-free
# allocation than it loses to young pauses of tens of milliseconds (the orchestrator's own CPU per command a sixth less).
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:MaxRAMPercentage=75", "-XX:MaxInlineSize=10", "-XX:FreqInlineSize=100", "-XX:InlineSmallCode=500", "-XX:MaxInlineLevel=9", "-jar", "/opt/failback/service.jar"]
