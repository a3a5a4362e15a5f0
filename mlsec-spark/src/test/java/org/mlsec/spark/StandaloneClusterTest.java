package org.mlsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.attacks.inference.MembershipMethod;
import org.mlsec.attacks.inference.ReferenceEngine;

/**
 * A real multi-process cluster on this machine: a standalone master and two workers (one core each) in their own
 * JVMs, started here; the workers start the executors, in their own JVMs too. Membership inference with references
 * trained on the executors equals local mode bit for bit, and every process is gone afterwards, also on failure.
 *
 * <p>Without a Spark distribution, SPARK_HOME is a temporary folder with an empty {@code jars/}: a worker builds
 * the executor's command from it plus {@code spark.executor.extraClassPath}, here the test's own classpath, and
 * SPARK_SCALA_VERSION tells it the Scala version a distribution's layout would.
 */
class StandaloneClusterTest {
    @TempDir
    static Path dir;
    static final List<Process> daemons = new ArrayList<>();
    static final List<ProcessHandle> executors = new ArrayList<>();
    static SparkReferenceEngine cluster;

    static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static Process start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")); // daemons: start fast
        for (String o : System.getProperty("mlsec.spark.opens", "").split(" ")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.12"); // a distribution's layout says it; this folder cannot
        Process p = pb.start();
        daemons.add(p);
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        Files.createDirectories(dir.resolve("spark-home").resolve("jars"));
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort()));
        for (int w = 1; w <= 2; w++) {
            start("worker" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                    dir.resolve("work" + w).toString(), url);
        }
        SparkConf conf = new SparkConf().setMaster(url).setAppName("mlsec-cluster-test")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.memory", "768m").set("spark.cores.max", "2")
                .set("spark.executor.extraClassPath", classpath());
        cluster = SparkReferenceEngine.connect(conf);
        awaitExecutors(2, Duration.ofSeconds(60));
    }

    /** The master accepts applications before the workers register: wait for both executors. */
    static void awaitExecutors(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (cluster.executors() < n) {
            assertTrue(System.nanoTime() < end, "executors did not start; logs in " + dir);
            for (Process p : daemons) {
                assertTrue(p.isAlive(), "a cluster process died; logs in " + dir);
            }
            Thread.sleep(200);
        }
        for (Process p : daemons) {
            p.descendants().forEach(executors::add);
        }
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            for (Process p : daemons) {
                p.descendants().forEach(executors::add);
                p.destroy();
            }
            for (Process p : daemons) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            for (ProcessHandle h : executors) {
                h.destroyForcibly();
                h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
            }
        }
        for (Process p : daemons) {
            assertFalse(p.isAlive(), "a cluster process is still running");
        }
        for (ProcessHandle h : executors) {
            assertFalse(h.isAlive(), "an executor is still running: " + h.pid());
        }
    }

    @Test
    void referencesTrainedOnTwoWorkersEqualLocalModeForLiraAndRmia() {
        assertEquals(2, cluster.executors());
        assertEquals(2, executors.size(), "one executor JVM per worker");
        for (MembershipMethod m : List.of(MembershipMethod.LIRA, MembershipMethod.RMIA)) {
            var like = org.mlsec.attacks.inference.MembershipInference.like(SparkReferenceEngineTest.FOREST);
            SparkReferenceEngineTest.assertIdentical(
                    SparkReferenceEngineTest.run(m, null, like, ReferenceEngine.LOCAL),
                    SparkReferenceEngineTest.run(m, null, like, cluster));
        }
        assertTrue(new File(dir.toFile(), "work1").isDirectory(), "worker 1 ran an executor");
    }
}
