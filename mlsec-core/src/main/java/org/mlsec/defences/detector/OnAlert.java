package org.mlsec.defences.detector;

import org.mlsec.InputException;

/** What a guard does with a client whose requests raise an extraction alert. */
public enum OnAlert {
    /** Record the alert and keep answering. */
    LOG("log"),
    /** Record it and slow the client's rate limit down tenfold. */
    THROTTLE("throttle"),
    /** Refuse the alerting request and every later one from the client. */
    BLOCK("block");

    private final String key;

    OnAlert(String key) {
        this.key = key;
    }

    /** @return the spelling in the guard settings ({@code "on_alert": "block"}) */
    public String key() {
        return key;
    }

    /**
     * Reads a policy from its spelling in the guard settings.
     *
     * @param key {@code log}, {@code throttle} or {@code block}
     * @return the policy spelt {@code key}
     * @throws org.mlsec.InputException if {@code key} spells no policy
     */
    public static OnAlert parse(String key) {
        for (OnAlert a : values()) {
            if (a.key.equals(key)) {
                return a;
            }
        }
        throw new InputException("on_alert must be log, throttle or block, got " + key);
    }
}
