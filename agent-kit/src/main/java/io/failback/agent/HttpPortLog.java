package io.failback.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;

/** Names the port an agent's health and metrics endpoints listen on: chosen at start unless SERVER_PORT sets it. */
public class HttpPortLog {

    private static final Logger log = LoggerFactory.getLogger(HttpPortLog.class);

    @EventListener
    void onWebServer(WebServerInitializedEvent event) {
        log.info("health and metrics on http://localhost:{}/actuator (health/liveness, health/readiness, prometheus)",
                event.getWebServer().getPort());
    }
}
