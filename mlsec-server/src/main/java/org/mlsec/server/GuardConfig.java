package org.mlsec.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.mlsec.InputException;
import org.mlsec.defences.detector.OnAlert;
import org.mlsec.defences.postprocessor.OutputHardening;
import org.mlsec.defences.postprocessor.OutputMode;
import org.mlsec.internal.Json;
import org.mlsec.internal.Validate;

/**
 * Every guard of the server, in one JSON file (keys as below, snake_case). Missing keys take the defaults.
 *
 * @param validate        check every row against the input schema (types, ranges, categories, rules)
 * @param maxBatch        rows per request
 * @param maxBodyBytes    request body size
 * @param apiKeys         API key to client name; empty: no keys required (clients are told apart by address)
 * @param trustProxy      take the client address from X-Forwarded-For (only behind a trusted proxy)
 * @param ratePerSecond   sustained requests per second per client (0: unlimited)
 * @param burst           requests a client may send at once
 * @param quotaRows       rows a client may query in all (0: unlimited)
 * @param output          probabilities, rounded, label, top1, reverse-sigmoid or noise (an {@link OutputMode} key)
 * @param decimals        for rounded
 * @param noise           standard deviation of the noise added to probabilities (noise)
 * @param reverseSigmoid  strength of the reverse-sigmoid perturbation (Lee et al. 2018)
 * @param detect          run the extraction detectors
 * @param onAlert         log, throttle or block
 * @param auditLog        path of the JSON-lines audit log (null: none)
 * @param idleTimeoutMs   a connection that sends nothing for this long is closed (a stalled or slow client)
 * @param maxClients      clients whose state (rate buckets, quotas, detectors, blocks) is kept; the least recently
 *                        seen is evicted beyond it
 * @param trustedProxies  addresses of the reverse proxies whose X-Forwarded-For is believed (with trust_proxy; empty
 *                        means the loopback addresses); the client is the right-most entry that is not one of them
 * @param onAuditFailure  when the audit log cannot be written: refuse (answer 503 until it can) or alarm (serve, and
 *                        report the lost lines in /health and /metrics)
 * @param requestDeadlineMs a request whose body has not fully arrived after this long is cut off (408)
 * @param minBodyBytesPerSecond a body arriving slower than this is cut off (408; 0: no minimum), counted from its
 *                        first byte after a grace of one second (the first rate × 1 s bytes are free); a body whose
 *                        Content-Length has all arrived is never too slow
 * @param maxDecompressedBodyBytes a {@code Content-Encoding: gzip} body inflating to more than this is refused (413),
 *                        counted while it is inflated, never after; {@code max_body_bytes} bounds the compressed bytes
 * @param upstreamTimeoutMs for a guarding proxy ({@link UpstreamModel}): an upstream that has not answered in full
 *                        after this long is given up on (504)
 * @param upstreamMaxInFlight for a guarding proxy: requests sent to the upstream at once; a request that cannot be
 *                        sent within {@code upstream_timeout_ms} because so many are in flight is refused (503)
 */
public record GuardConfig(boolean validate, int maxBatch, long maxBodyBytes, Map<String, String> apiKeys,
                          boolean trustProxy, double ratePerSecond, int burst, long quotaRows, String output, int decimals,
                          double noise, double reverseSigmoid, boolean detect, String onAlert, String auditLog,
                          long idleTimeoutMs, int maxClients, java.util.List<String> trustedProxies,
                          String onAuditFailure, long requestDeadlineMs, long minBodyBytesPerSecond,
                          long maxDecompressedBodyBytes, long upstreamTimeoutMs, int upstreamMaxInFlight) {
    /** 10 s: {@code idle_timeout_ms} when it is not set. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 10_000;
    /** {@code max_clients} when it is not set: the state of 10,000 clients is kept. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;
    /** 30 s: {@code request_deadline_ms} when it is not set. */
    public static final long DEFAULT_REQUEST_DEADLINE_MS = 30_000;
    /** 4 KiB/s: {@code min_body_bytes_per_second} when it is not set. */
    public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 4096;
    /** 8 MiB: a gzip body may inflate to eight times the default body limit, and no further. */
    public static final long DEFAULT_MAX_DECOMPRESSED_BODY_BYTES = 8L << 20;
    /** 5 s: {@code upstream_timeout_ms} when it is not set. */
    public static final long DEFAULT_UPSTREAM_TIMEOUT_MS = 5_000;
    /** {@code upstream_max_in_flight} when it is not set: 64 requests at once to the upstream. */
    public static final int DEFAULT_UPSTREAM_MAX_IN_FLIGHT = 64;

    /**
     * The settings with the default client bound ({@link #DEFAULT_MAX_CLIENTS}), no named proxies, the
     * {@code refuse} audit policy, the default body deadline, rate and decompressed size, and the default upstream
     * bounds.
     *
     * @param validate       check every row against the input schema
     * @param maxBatch       rows per request (positive)
     * @param maxBodyBytes   request body size in bytes (positive)
     * @param apiKeys        API key to client name; null or empty: no keys required
     * @param trustProxy     take the client address from X-Forwarded-For, believed from the loopback proxies
     * @param ratePerSecond  sustained requests per second per client (0: unlimited)
     * @param burst          requests a client may send at once
     * @param quotaRows      rows a client may query in all (0: unlimited)
     * @param output         an {@link OutputMode} key
     * @param decimals       decimals kept by the {@code rounded} output
     * @param noise          standard deviation of the noise added by the {@code noise} output
     * @param reverseSigmoid strength of the reverse-sigmoid perturbation
     * @param detect         run the extraction detectors
     * @param onAlert        an {@link OnAlert} key: log, throttle or block
     * @param auditLog       path of the JSON-lines audit log, or null for none
     * @param idleTimeoutMs  milliseconds a connection may send nothing before it is closed (positive)
     * @throws InputException if a setting is out of range or names no known mode or policy
     */
    public GuardConfig(boolean validate, int maxBatch, long maxBodyBytes, Map<String, String> apiKeys, boolean trustProxy,
                       double ratePerSecond, int burst, long quotaRows, String output, int decimals, double noise,
                       double reverseSigmoid, boolean detect, String onAlert, String auditLog, long idleTimeoutMs) {
        this(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows, output, decimals, noise,
                reverseSigmoid, detect, onAlert, auditLog, idleTimeoutMs, DEFAULT_MAX_CLIENTS, java.util.List.of(),
                "refuse", DEFAULT_REQUEST_DEADLINE_MS, DEFAULT_MIN_BODY_BYTES_PER_SECOND, DEFAULT_MAX_DECOMPRESSED_BODY_BYTES,
                DEFAULT_UPSTREAM_TIMEOUT_MS, DEFAULT_UPSTREAM_MAX_IN_FLIGHT);
    }

    /**
     * The settings with the default idle timeout ({@link #DEFAULT_IDLE_TIMEOUT_MS}) and the defaults of
     * {@link #GuardConfig(boolean, int, long, Map, boolean, double, int, long, String, int, double, double, boolean,
     * String, String, long)}.
     *
     * @param validate       check every row against the input schema
     * @param maxBatch       rows per request (positive)
     * @param maxBodyBytes   request body size in bytes (positive)
     * @param apiKeys        API key to client name; null or empty: no keys required
     * @param trustProxy     take the client address from X-Forwarded-For, believed from the loopback proxies
     * @param ratePerSecond  sustained requests per second per client (0: unlimited)
     * @param burst          requests a client may send at once
     * @param quotaRows      rows a client may query in all (0: unlimited)
     * @param output         an {@link OutputMode} key
     * @param decimals       decimals kept by the {@code rounded} output
     * @param noise          standard deviation of the noise added by the {@code noise} output
     * @param reverseSigmoid strength of the reverse-sigmoid perturbation
     * @param detect         run the extraction detectors
     * @param onAlert        an {@link OnAlert} key: log, throttle or block
     * @param auditLog       path of the JSON-lines audit log, or null for none
     * @throws InputException if a setting is out of range or names no known mode or policy
     */
    public GuardConfig(boolean validate, int maxBatch, long maxBodyBytes, Map<String, String> apiKeys, boolean trustProxy,
                       double ratePerSecond, int burst, long quotaRows, String output, int decimals, double noise,
                       double reverseSigmoid, boolean detect, String onAlert, String auditLog) {
        this(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows, output, decimals, noise,
                reverseSigmoid, detect, onAlert, auditLog, DEFAULT_IDLE_TIMEOUT_MS);
    }

    /**
     * Validates the settings; null {@code apiKeys}, {@code trustedProxies} and {@code onAuditFailure} become empty,
     * empty and {@code refuse}.
     *
     * @param validate                 check every row against the input schema
     * @param maxBatch                 rows per request (positive)
     * @param maxBodyBytes             request body size in bytes (positive)
     * @param apiKeys                  API key to client name; null or empty: no keys required
     * @param trustProxy               take the client address from X-Forwarded-For
     * @param ratePerSecond            sustained requests per second per client (0: unlimited)
     * @param burst                    requests a client may send at once (not negative)
     * @param quotaRows                rows a client may query in all (0: unlimited)
     * @param output                   an {@link OutputMode} key
     * @param decimals                 decimals kept by the {@code rounded} output
     * @param noise                    standard deviation of the noise added by the {@code noise} output
     * @param reverseSigmoid           strength of the reverse-sigmoid perturbation
     * @param detect                   run the extraction detectors
     * @param onAlert                  an {@link OnAlert} key: log, throttle or block
     * @param auditLog                 path of the JSON-lines audit log, or null for none
     * @param idleTimeoutMs            milliseconds a connection may send nothing before it is closed (positive)
     * @param maxClients               clients whose state is kept (positive)
     * @param trustedProxies           addresses of the trusted reverse proxies, or null
     * @param onAuditFailure           {@code refuse}, {@code alarm}, or null for {@code refuse}
     * @param requestDeadlineMs        milliseconds a request body may take to arrive in full (positive)
     * @param minBodyBytesPerSecond    average body rate in bytes per second below which a request is cut off
     *                                 (0: no minimum)
     * @param maxDecompressedBodyBytes most bytes a gzip body may inflate to (positive)
     * @param upstreamTimeoutMs        milliseconds a guarding proxy's upstream has to answer in full (positive)
     * @param upstreamMaxInFlight      requests a guarding proxy sends to its upstream at once (positive)
     * @throws InputException naming the setting (by its JSON key) that is out of range or names no known mode or
     *                        policy
     */
    public GuardConfig {
        apiKeys = apiKeys == null ? Map.of() : Map.copyOf(apiKeys);
        Validate.isTrue(maxBatch > 0, "max_batch must be positive");
        Validate.isTrue(maxBodyBytes > 0, "max_body_bytes must be positive");
        Validate.isTrue(ratePerSecond >= 0 && burst >= 0 && quotaRows >= 0, "rate limits must not be negative");
        OutputMode.parse(output);
        OnAlert.parse(onAlert);
        Validate.isTrue(idleTimeoutMs > 0, "idle_timeout_ms must be positive");
        Validate.isTrue(maxClients > 0, "max_clients must be positive");
        trustedProxies = trustedProxies == null ? java.util.List.of() : java.util.List.copyOf(trustedProxies);
        onAuditFailure = onAuditFailure == null ? "refuse" : onAuditFailure;
        Validate.isTrue(java.util.Set.of("refuse", "alarm").contains(onAuditFailure),
                "on_audit_failure must be refuse or alarm, got " + onAuditFailure);
        Validate.isTrue(requestDeadlineMs > 0, "request_deadline_ms must be positive");
        Validate.isTrue(minBodyBytesPerSecond >= 0, "min_body_bytes_per_second must not be negative");
        Validate.isTrue(maxDecompressedBodyBytes > 0, "max_decompressed_body_bytes must be positive");
        Validate.isTrue(upstreamTimeoutMs > 0, "upstream_timeout_ms must be positive");
        Validate.isTrue(upstreamMaxInFlight > 0, "upstream_max_in_flight must be positive");
    }

    /**
     * The on_alert setting as a policy.
     *
     * @return the policy {@code onAlert} names
     */
    public OnAlert alertPolicy() {
        return OnAlert.parse(onAlert);
    }

    /**
     * The output setting as a mode.
     *
     * @return the mode {@code output} names
     */
    public OutputMode outputMode() {
        return OutputMode.parse(output);
    }

    /**
     * The output hardening these settings ask for; its noise is seeded with 42, so a server's run of noised answers
     * is reproducible.
     *
     * @return the hardening of the {@code output}, {@code decimals}, {@code noise} and {@code reverse_sigmoid} settings
     */
    public OutputHardening outputHardening() {
        return new OutputHardening(outputMode(), decimals, noise, reverseSigmoid, 42);
    }

    /**
     * The proxies whose X-Forwarded-For is believed: none without trust_proxy, loopback when none are named.
     *
     * @return the proxies' addresses, possibly empty
     */
    public java.util.List<String> effectiveProxies() {
        if (!trustProxy) {
            return java.util.List.of();
        }
        return trustedProxies.isEmpty() ? java.util.List.of("127.0.0.1", "::1") : trustedProxies;
    }

    /**
     * Every guard on, with moderate limits: validation, at most 1000 rows and 1 MiB per request, 100 requests per
     * second (burst 200) per client, no row quota and no API keys, probabilities with noise 0.05 and reverse sigmoid
     * 0.5, the detectors logging their alerts, no audit log, and the default timeouts and bounds.
     *
     * @return the default settings (those of a settings file with no keys)
     */
    public static GuardConfig defaults() {
        return new GuardConfig(true, 1000, 1 << 20, Map.of(), false, 100, 200, 0, "probabilities", 2, 0.05, 0.5,
                true, "log", null);
    }

    /**
     * Every guard off: the bare model behind HTTP (for comparisons). Requests are still bounded (100,000 rows and
     * 64 MiB) and the connection timeouts and body deadlines still apply.
     *
     * @return settings with validation, rate limits, output hardening and detection off
     */
    public static GuardConfig off() {
        return new GuardConfig(false, 100_000, 64L << 20, Map.of(), false, 0, 0, 0, "probabilities", 2, 0, 0, false,
                "log", null);
    }

    /**
     * These settings with another audit log.
     *
     * @param path the JSON-lines file every request is logged to, or null for none
     * @return the new settings
     */
    public GuardConfig withAuditLog(String path) {
        return new GuardConfig(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows,
                output, decimals, noise, reverseSigmoid, detect, onAlert, path, idleTimeoutMs, maxClients, trustedProxies,
                onAuditFailure, requestDeadlineMs, minBodyBytesPerSecond, maxDecompressedBodyBytes,
                upstreamTimeoutMs, upstreamMaxInFlight);
    }

    /**
     * These settings with another idle timeout.
     *
     * @param ms milliseconds a connection may send nothing before it is closed (positive)
     * @return the new settings
     * @throws InputException if {@code ms} is not positive
     */
    public GuardConfig withIdleTimeout(long ms) {
        return new GuardConfig(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows,
                output, decimals, noise, reverseSigmoid, detect, onAlert, auditLog, ms, maxClients, trustedProxies,
                onAuditFailure, requestDeadlineMs, minBodyBytesPerSecond, maxDecompressedBodyBytes,
                upstreamTimeoutMs, upstreamMaxInFlight);
    }

    /**
     * These settings with other bounds on clients and on slow bodies.
     *
     * @param clients           clients whose state is kept (positive)
     * @param deadlineMs        milliseconds a request body may take to arrive in full (positive)
     * @param minBytesPerSecond average body rate below which a request is cut off (0: no minimum)
     * @return the new settings
     * @throws InputException if a bound is out of range
     */
    public GuardConfig withLimits(int clients, long deadlineMs, long minBytesPerSecond) {
        return new GuardConfig(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows,
                output, decimals, noise, reverseSigmoid, detect, onAlert, auditLog, idleTimeoutMs, clients, trustedProxies,
                onAuditFailure, deadlineMs, minBytesPerSecond, maxDecompressedBodyBytes,
                upstreamTimeoutMs, upstreamMaxInFlight);
    }

    /**
     * These settings with X-Forwarded-For believed from exactly these proxies, and an audit failure policy.
     *
     * @param proxies            addresses of the trusted reverse proxies; empty turns trust_proxy off
     * @param auditFailurePolicy {@code refuse} or {@code alarm}
     * @return the new settings
     * @throws InputException if the policy is neither
     */
    public GuardConfig withProxies(java.util.List<String> proxies, String auditFailurePolicy) {
        return new GuardConfig(validate, maxBatch, maxBodyBytes, apiKeys, !proxies.isEmpty(), ratePerSecond, burst,
                quotaRows, output, decimals, noise, reverseSigmoid, detect, onAlert, auditLog, idleTimeoutMs, maxClients,
                proxies, auditFailurePolicy, requestDeadlineMs, minBodyBytesPerSecond, maxDecompressedBodyBytes,
                upstreamTimeoutMs, upstreamMaxInFlight);
    }

    /**
     * These settings with another bound on what a gzip body may inflate to.
     *
     * @param bytes most bytes a compressed body may inflate to (positive)
     * @return the new settings
     * @throws InputException if {@code bytes} is not positive
     */
    public GuardConfig withMaxDecompressed(long bytes) {
        return new GuardConfig(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows,
                output, decimals, noise, reverseSigmoid, detect, onAlert, auditLog, idleTimeoutMs, maxClients,
                trustedProxies, onAuditFailure, requestDeadlineMs, minBodyBytesPerSecond, bytes,
                upstreamTimeoutMs, upstreamMaxInFlight);
    }

    /**
     * These settings with another upstream timeout and bound on requests in flight (for a guarding proxy).
     *
     * @param timeoutMs   milliseconds the upstream has to answer in full (positive)
     * @param maxInFlight requests sent to the upstream at once (positive)
     * @return the new settings
     * @throws InputException if a bound is not positive
     */
    public GuardConfig withUpstream(long timeoutMs, int maxInFlight) {
        return new GuardConfig(validate, maxBatch, maxBodyBytes, apiKeys, trustProxy, ratePerSecond, burst, quotaRows,
                output, decimals, noise, reverseSigmoid, detect, onAlert, auditLog, idleTimeoutMs, maxClients,
                trustedProxies, onAuditFailure, requestDeadlineMs, minBodyBytesPerSecond, maxDecompressedBodyBytes,
                timeoutMs, maxInFlight);
    }

    /**
     * Reads a settings file: a JSON object whose snake_case keys override {@link #defaults()}.
     *
     * @param file the JSON file
     * @return the settings
     * @throws InputException if the file cannot be read, is not a JSON object, has a key that is no setting (the
     *                        known ones are listed) or a setting out of range
     */
    public static GuardConfig read(Path file) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode base = Json.MAPPER.valueToTree(defaults());
            com.fasterxml.jackson.databind.JsonNode user = Json.MAPPER.readTree(file.toFile());
            if (user == null || !user.isObject()) {
                throw new InputException(file + " is not a JSON object of guard settings");
            }
            user.fields().forEachRemaining(e -> {
                if (!base.has(e.getKey())) {
                    java.util.List<String> known = new java.util.ArrayList<>();
                    base.fieldNames().forEachRemaining(known::add);
                    throw new InputException(file + ": unknown setting '" + e.getKey() + "'; known: " + known);
                }
                base.set(e.getKey(), e.getValue());
            });
            return Json.MAPPER.treeToValue(base, GuardConfig.class);
        } catch (InputException e) {
            throw e;
        } catch (IOException e) {
            throw new InputException("cannot read guard settings " + file + ": " + e.getMessage().split("\n")[0]);
        }
    }
}
