package org.mlsec.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for every test class of the module's test JVM (starting one costs seconds): classes take
 * it here and never stop it (Spark's own shutdown hook does, when the JVM exits); the command line's
 * {@code --engine spark --master local[2]} finds it running and uses it. The cluster test stops it first, since a
 * JVM runs one Spark context at a time.
 */
public final class TestSpark {
    /** The master of the shared session. */
    public static final String MASTER = "local[2]";

    private TestSpark() {
    }

    /** The shared session, started on first use (or again after {@link #stop()}). */
    public static synchronized SparkSession local() {
        var running = SparkReferenceEngine.running();
        if (running.isPresent() && MASTER.equals(running.get().sparkContext().master())) {
            SparkSession.setActiveSession(running.get());
            return running.get();
        }
        running.ifPresent(SparkSession::stop);
        return SparkSession.builder().master(MASTER).appName("mlsec-tests").config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    /** Stops the shared session, for a test that needs a Spark context of its own. */
    public static synchronized void stop() {
        SparkReferenceEngine.running().ifPresent(SparkSession::stop);
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }
}
