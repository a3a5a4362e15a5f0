package org.mlsec.defences.detector;

import java.util.List;
import org.mlsec.internal.Validate;

/**
 * The extraction detectors of many clients, and the policy applied when one raises an alert: each client (an API
 * key, an address) gets its own {@link ExtractionDetector} from one {@link ExtractionProfile}, kept in a
 * {@link ClientRegistry} bounded by {@code maxClients}. Under {@link OnAlert#BLOCK} an alerting client is refused
 * from the alerting request on (a single batch can hold a whole attack: equation solving needs only d + 1 rows);
 * under {@link OnAlert#THROTTLE} the caller is told to slow it down. The caller (a server, a proxy, a study) owns
 * the transport and the rate limits; this class owns the detection. Safe for concurrent use.
 */
public final class ExtractionMonitor {
    /**
     * One request's outcome: the alerts it raised, and what the policy asks the caller to do.
     *
     * @param alerts   the alerts the request raised, empty when none
     * @param refuse   whether the caller must refuse the request (the client is blocked)
     * @param throttle whether the caller should slow the client's rate limit down
     */
    public record Verdict(List<ExtractionAlert> alerts, boolean refuse, boolean throttle) {
        /**
         * Copies the alerts.
         *
         * @param alerts   the alerts the request raised, empty when none
         * @param refuse   whether the caller must refuse the request (the client is blocked)
         * @param throttle whether the caller should slow the client's rate limit down
         */
        public Verdict {
            alerts = List.copyOf(alerts);
        }
    }

    private final ExtractionProfile profile;
    private final OnAlert policy;
    private final ClientRegistry<ExtractionDetector> detectors;
    private final ClientRegistry<Boolean> blocked;

    /**
     * @param profile    what every client's detectors share
     * @param policy     what an alert does
     * @param maxClients clients whose detectors (and blocks) are kept; the least recently seen is forgotten beyond
     */
    public ExtractionMonitor(ExtractionProfile profile, OnAlert policy, int maxClients) {
        this.profile = Validate.notNull(profile, "profile");
        this.policy = Validate.notNull(policy, "policy");
        this.detectors = new ClientRegistry<>(maxClients);
        this.blocked = new ClientRegistry<>(maxClients);
    }

    /** @return what an alert does */
    public OnAlert policy() {
        return policy;
    }

    /**
     * Whether the client is blocked.
     *
     * @param client the client's identity
     * @return true once the client raised an alert under {@link OnAlert#BLOCK}
     */
    public boolean blocked(String client) {
        return blocked.peek(client) != null;
    }

    /**
     * Feeds one request of {@code client} to its detectors.
     *
     * @param client the client's identity
     * @param rows  the request's rows, in the model's schema
     * @param proba the model's probabilities of them, or null for a model without probabilities
     * @return the alerts the request raised and what the caller must do about them
     */
    public Verdict observe(String client, double[][] rows, double[][] proba) {
        List<ExtractionAlert> alerts = detectors.get(client, c -> profile.newDetector()).observe(rows, proba);
        boolean raised = !alerts.isEmpty();
        if (raised && policy == OnAlert.BLOCK) {
            blocked.put(client, Boolean.TRUE);
        }
        return new Verdict(alerts, raised && policy == OnAlert.BLOCK, raised && policy == OnAlert.THROTTLE);
    }
}
