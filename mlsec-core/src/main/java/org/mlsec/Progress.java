package org.mlsec;

/** Reports the progress of long work. The CLI prints it on stderr; libraries and tests stay silent. */
@FunctionalInterface
public interface Progress {
    /**
     * Called as work advances: {@code done} of {@code total} units of the named task.
     *
     * @param task what is being done, such as "trees"
     * @param done units done so far
     * @param total units in all
     */
    void update(String task, long done, long total);

    /** Reports nothing. */
    Progress NONE = (task, done, total) -> { };
}
