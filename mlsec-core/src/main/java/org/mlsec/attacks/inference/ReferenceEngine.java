package org.mlsec.attacks.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.mlsec.Progress;

/**
 * Where the reference models of a {@link ReferencePlan} are trained. {@link #LOCAL} trains them one after another
 * in this JVM; other engines (mlsec-spark's "spark") are found with {@link ServiceLoader} through
 * {@link Provider} when their jar is on the classpath. An engine must return, in order, exactly what
 * {@link ReferencePlan#score(int)} returns for each reference, so results never depend on where they were computed.
 */
public interface ReferenceEngine extends AutoCloseable {
    /** This JVM, one reference after another. */
    ReferenceEngine LOCAL = (plan, progress) -> {
        List<ReferenceScores> out = new ArrayList<>();
        for (int k = 0; k < plan.references(); k++) {
            out.add(plan.score(k));
            progress.update("reference models", k + 1, plan.references());
        }
        return out;
    };

    /**
     * Every reference's scores, reference 0 first.
     *
     * @param plan the references to train and score
     * @param progress told the references done
     * @return one entry per reference
     */
    List<ReferenceScores> run(ReferencePlan plan, Progress progress);

    /**
     * The engine's reader of tables where they live (Parquet, folders of CSV parts, cluster filesystems), if it
     * has one; the local engine has none.
     *
     * @return the reader, or empty
     */
    default Optional<org.mlsec.data.TableReader> tables() {
        return Optional.empty();
    }

    /** Releases what the engine holds (a cluster connection); the local engine holds nothing. */
    @Override
    default void close() {
    }

    /** Makes engines of one name; registered in META-INF/services. */
    interface Provider {
        /**
         * The engine's name, e.g. "spark".
         *
         * @return the name
         */
        String name();

        /**
         * Connects to {@code master} (the engine's own address syntax, e.g. local[2] or spark://host:7077).
         *
         * @param master the engine's address
         * @return the connected engine
         */
        ReferenceEngine open(String master);
    }

    /**
     * The provider of the named engine on the classpath, if any.
     *
     * @param name the engine's name, as {@link Provider#name()} gives it
     * @return the provider, or empty
     */
    static Optional<Provider> provider(String name) {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
