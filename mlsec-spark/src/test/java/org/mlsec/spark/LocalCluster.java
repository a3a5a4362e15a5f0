package org.mlsec.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests and benchmarks: a master and {@code workers} workers (one core
 * each) in their own JVMs; the workers start the executors in JVMs of their own. {@link #close()} stops the session
 * and every process, executors included.
 *
 * <p>Without a Spark distribution, SPARK_HOME is a temporary folder with an empty {@code jars/}: a worker builds
 * the executor's command from it plus {@code spark.executor.extraClassPath}, here this JVM's own classpath, and
 * SPARK_SCALA_VERSION tells it the Scala version a distribution's layout would.
 */
final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final List<Process> daemons = new ArrayList<>();
    private final List<ProcessHandle> executors = new ArrayList<>();
    private SparkReferenceEngine engine;

    /** Starts the cluster and a session with {@code workers} executors of {@code executorMemory} each. */
    LocalCluster(Path dir, int workers, String executorMemory, Duration timeout) throws IOException, InterruptedException {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("spark-home").resolve("jars"));
            int port = freePort();
            String url = "spark://127.0.0.1:" + port;
            start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    String.valueOf(port), "--webui-port", String.valueOf(freePort()));
            for (int w = 1; w <= workers; w++) {
                start("worker" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "4g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                        dir.resolve("work" + w).toString(), url);
            }
            SparkConf conf = new SparkConf().setMaster(url).setAppName("mlsec-local-cluster")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.executor.memory", executorMemory).set("spark.cores.max", String.valueOf(workers))
                    .set("spark.executor.extraClassPath", classpath());
            engine = SparkReferenceEngine.connect(conf);
            awaitExecutors(workers, timeout);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The engine whose tasks run on the cluster's executors. */
    SparkReferenceEngine engine() {
        return engine;
    }

    /** The executor JVMs the workers started. */
    List<ProcessHandle> executors() {
        return List.copyOf(executors);
    }

    /** The master's and workers' JVMs. */
    List<Process> daemons() {
        return List.copyOf(daemons);
    }

    static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private void start(String name, String... args) throws IOException {
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
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        daemons.add(pb.start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The master accepts applications before the workers register: wait for every executor. */
    private void awaitExecutors(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (engine.executors() < n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(n + " executors did not start in " + timeout + "; logs in " + dir);
            }
            for (Process p : daemons) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process died; logs in " + dir);
                }
            }
            Thread.sleep(200);
        }
        for (Process p : daemons) {
            p.descendants().forEach(executors::add);
        }
    }

    /** Stops the session, then the daemons (gently, then by force), then any executor left. */
    @Override
    public void close() throws InterruptedException {
        try {
            if (engine != null) {
                engine.close();
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
    }
}
