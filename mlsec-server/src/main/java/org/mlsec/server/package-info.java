/**
 * The guarded model server: a real HTTP server (Javalin on Jetty) whose prediction API is compatible with a typical
 * Flask scoring app, with switchable guards — input validation, API keys, rate limits and quotas, output hardening,
 * extraction detection — an append-only audit log and Prometheus metrics.
 */
package org.mlsec.server;
