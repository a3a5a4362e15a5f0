package org.mlsec.defences.detector;

/**
 * The extraction detectors of {@link ExtractionDetector}, each named by the key it is reported under (the server's
 * audit log, its {@code mlsec_alerts_total{detector=...}} metric and {@code mlsec defend extraction}).
 */
public enum ExtractionAlert {
    /** At most two features vary over the client's last 64 rows (the talk's curl loops). */
    GRID_SWEEP("grid-sweep"),
    /** Several of the client's last 16 rows break the reference's feature dependencies or ranges. */
    IMPLAUSIBLE_ROWS("implausible-rows"),
    /** A third of the client's last 64 rows sit close to the decision boundary. */
    BOUNDARY_PROBING("boundary-probing"),
    /** Over the client's last 200 rows, strongly correlated feature pairs of the reference lose their correlation. */
    BROKEN_DEPENDENCIES("broken-dependencies"),
    /** PRADA: the distances between the client's queries are far from normally distributed. */
    PRADA("prada");

    private final String key;

    ExtractionAlert(String key) {
        this.key = key;
    }

    /** @return the name the alert is reported under */
    public String key() {
        return key;
    }
}
