package org.mlsec.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsec.data.Schema;
import org.mlsec.defences.preprocessor.DomainRules;

/**
 * What is known about the UCI "default of credit card clients" data (Yeh and Lien 2009) beyond what its rows show:
 * its domain rules (the example rules file {@code docs/examples/credit-card.rules}, packaged beside this class) and the monotone direction
 * of its repayment-status columns. The demo uses both; a user with that data passes the same knowledge explicitly
 * ({@code --rules}, {@code --monotone}).
 */
public final class CreditCard {
    /** Repayment-status columns: months of delay, where more delay never makes default less likely. */
    public static final List<String> REPAYMENT_STATUS = List.of("PAY_0", "PAY_1", "PAY_2", "PAY_3", "PAY_4", "PAY_5",
            "PAY_6");
    /** The example rules file's name on the class path. */
    public static final String RULES_RESOURCE = "credit-card.rules";

    private CreditCard() {
    }

    /**
     * Reads the example rules file packaged with this class.
     *
     * @return the rules of {@code org/mlsec/demo/credit-card.rules}
     */
    public static DomainRules rules() {
        try (InputStream in = CreditCard.class.getResourceAsStream(RULES_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the mlsec jar lacks org/mlsec/demo/" + RULES_RESOURCE);
            }
            return DomainRules.parse(in.readAllBytes(), RULES_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The credit domain's monotone constraints for the numeric repayment-status columns this schema has: a later or
     * longer repayment delay never lowers the default probability (+1 for each).
     *
     * @param schema the data's schema; repayment-status columns it lacks or holds as categorical are left out
     * @return column name to direction (+1), in {@link #REPAYMENT_STATUS} order
     */
    public static Map<String, Integer> monotoneConstraints(Schema schema) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String p : REPAYMENT_STATUS) {
            int j = schema.indexOf(p);
            if (j >= 0 && !schema.feature(j).isCategorical()) {
                m.put(p, 1);
            }
        }
        return m;
    }
}
