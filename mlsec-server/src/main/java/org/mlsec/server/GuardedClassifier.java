package org.mlsec.server;

import java.util.concurrent.atomic.AtomicLong;
import org.mlsec.data.Schema;
import org.mlsec.model.Classifier;

/**
 * A {@link Guard} around its model as a model, for one in-process client: each call is one request through every
 * guard (validation of the rows, the rate limit and quota, the extraction detectors, output hardening, the audit
 * log), and a refused one throws {@link Guard.Refused}. {@link #queries()} counts the rows answered.
 */
final class GuardedClassifier implements Classifier {
    private final Guard guard;
    private final String client;
    private final AtomicLong queries = new AtomicLong();

    GuardedClassifier(Guard guard, String client) {
        this.guard = guard;
        this.client = client;
    }

    @Override
    public Schema schema() {
        return guard.schema();
    }

    @Override
    public boolean hasProbabilities() {
        return guard.servesProbabilities();
    }

    @Override
    public double[][] predictProba(double[][] rows) {
        Guard.Decision d = guard.query(client, rows, true);
        queries.addAndGet(d.rows());
        if (d.probabilities() == null) {
            throw new org.mlsec.MlsecException("the guarded model answers labels only");
        }
        return d.probabilities();
    }

    @Override
    public int[] predict(double[][] rows) {
        Guard.Decision d = guard.query(client, rows, false);
        queries.addAndGet(d.rows());
        return d.labels();
    }

    @Override
    public long queries() {
        return queries.get();
    }
}
