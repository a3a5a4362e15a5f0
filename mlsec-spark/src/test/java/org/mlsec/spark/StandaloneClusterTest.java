package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.attacks.inference.MembershipInference;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;

/**
 * A real multi-process cluster on this machine ({@link LocalCluster}: a standalone master and two workers, each
 * worker's executor in its own JVM). Membership inference with the references trained on the executors equals local
 * mode bit for bit, and every process is gone afterwards, also when a test fails.
 */
class StandaloneClusterTest {
    @TempDir
    static Path dir;
    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        TestSpark.stop(); // a JVM runs one Spark context: the shared local one is started again by the next class
        cluster = new LocalCluster(dir, 2, "768m", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (cluster == null) {
            return;
        }
        cluster.close();
        for (Process p : cluster.daemons()) {
            assertFalse(p.isAlive(), "a cluster process is still running");
        }
        for (ProcessHandle h : cluster.executors()) {
            assertFalse(h.isAlive(), "an executor is still running: " + h.pid());
        }
    }

    /** LiRA (both IN and OUT references matter); every method's equality is asserted on local[2] too. */
    @Test
    void referencesTrainedOnTwoWorkersEqualLocalMode() {
        assertEquals(2, cluster.engine().executors());
        assertEquals(2, cluster.executors().size(), "one executor JVM per worker");
        var like = MembershipInference.like(SparkReferenceEngineTest.FOREST);
        SparkReferenceEngineTest.assertIdentical(
                SparkReferenceEngineTest.run(MembershipMethod.LIRA, null, like, ReferenceEngine.LOCAL),
                SparkReferenceEngineTest.run(MembershipMethod.LIRA, null, like, cluster.engine()));
    }

    /** The pool read from partitions: the shuffle to the references and the models shipped to the pool's blocks. */
    @Test
    void aPoolReadFromPartitionsOnTwoWorkersEqualsLocalMode() {
        var session = org.apache.spark.sql.SparkSession.active();
        session.conf().set(SparkReferenceEngine.BROADCAST_LIMIT, "1k");
        session.conf().set(SparkReferenceEngine.BLOCK_ROWS, "100");
        try {
            var like = MembershipInference.like(SparkReferenceEngineTest.FOREST);
            SparkReferenceEngineTest.assertIdentical(
                    SparkReferenceEngineTest.run(MembershipMethod.RMIA, null, like, ReferenceEngine.LOCAL),
                    SparkReferenceEngineTest.run(MembershipMethod.RMIA, null, like, cluster.engine()));
        } finally {
            session.conf().unset(SparkReferenceEngine.BROADCAST_LIMIT);
            session.conf().unset(SparkReferenceEngine.BLOCK_ROWS);
        }
    }
}
