/**
 * The guarded model server: a real HTTP server (Javalin on Jetty) whose prediction API is compatible with a typical
 * Flask scoring app, with switchable guards — input validation, API keys, rate limits and quotas, output hardening,
 * extraction detection — an append-only audit log and Prometheus metrics. The guards themselves are one
 * {@link org.mlsec.server.Guard}, with no HTTP in its API, which the server, {@link org.mlsec.server.GuardPlugin} (the
 * scoring route of another Javalin app) and {@link org.mlsec.server.Guard#asClassifier} (in-process) share.
 */
package org.mlsec.server;
