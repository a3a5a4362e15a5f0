package org.mlsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mlsec.report.Severity.CRITICAL;
import static org.mlsec.report.Severity.HIGH;
import static org.mlsec.report.Severity.INFO;
import static org.mlsec.report.Severity.LOW;
import static org.mlsec.report.Severity.MEDIUM;

import org.junit.jupiter.api.Test;

/** Every rule of the audit's severities, at its thresholds and just below them. */
class SeverityRulesTest {
    static final double BELOW = 1e-9;

    @Test
    void aSignatureMismatchIsCritical() {
        assertEquals(CRITICAL, SeverityRules.signature(true));
        assertEquals(INFO, SeverityRules.signature(false));
    }

    @Test
    void membershipIsRatedOnTheAucsLowerBoundAndTheLowFprRateOnlyWhereMeasurable() {
        assertEquals(HIGH, SeverityRules.membership(0.8, false, Double.NaN));
        assertEquals(MEDIUM, SeverityRules.membership(0.8 - BELOW, false, Double.NaN));
        assertEquals(MEDIUM, SeverityRules.membership(0.6, false, Double.NaN));
        assertEquals(LOW, SeverityRules.membership(0.6 - BELOW, false, Double.NaN));
        assertEquals(HIGH, SeverityRules.membership(0.5, true, 0.05), "5% of members at 0.1% FPR is an attack");
        assertEquals(LOW, SeverityRules.membership(0.5, true, 0.05 - BELOW));
        assertEquals(LOW, SeverityRules.membership(0.5, false, 0.9), "an unmeasurable rate does not count");
    }

    @Test
    void inversionIsHighOnAWhiteBoxAdvantageOfTenPointsAndMediumOnTwoWithQueries() {
        assertEquals(HIGH, SeverityRules.inversion(0, 0.1));
        assertEquals(LOW, SeverityRules.inversion(0, 0.1 - BELOW));
        assertEquals(MEDIUM, SeverityRules.inversion(0.02, 0.1 - BELOW));
        assertEquals(LOW, SeverityRules.inversion(0.02 - BELOW, 0));
    }

    @Test
    void aBackdoorFoundIsHighAndOneOnlyOutOfRangeIsLow() {
        assertEquals(HIGH, SeverityRules.backdoor(true, true));
        assertEquals(HIGH, SeverityRules.backdoor(true, false));
        assertEquals(LOW, SeverityRules.backdoor(false, true));
        assertEquals(INFO, SeverityRules.backdoor(false, false));
    }

    @Test
    void driftIsHighOnAShiftedFeatureOrASubgroupMovedByMoreThanTwentyPoints() {
        assertEquals(INFO, SeverityRules.drift(0.2, 0), "more than 0.2, not 0.2 itself");
        assertEquals(HIGH, SeverityRules.drift(0.2 + BELOW, 0));
        assertEquals(HIGH, SeverityRules.drift(0, 1));
        assertEquals(INFO, SeverityRules.drift(0, 0));
    }

    @Test
    void unfairnessIsHighAgainstASnapshotAndMediumWithoutOne() {
        assertEquals(HIGH, SeverityRules.fairness(true, true));
        assertEquals(MEDIUM, SeverityRules.fairness(true, false));
        assertEquals(INFO, SeverityRules.fairness(false, true));
        assertEquals(INFO, SeverityRules.fairness(false, false));
    }

    @Test
    void stealingIsRatedOnTheCopysFidelity() {
        assertEquals(HIGH, SeverityRules.stealing(0.98));
        assertEquals(MEDIUM, SeverityRules.stealing(0.98 - BELOW));
        assertEquals(MEDIUM, SeverityRules.stealing(0.9));
        assertEquals(LOW, SeverityRules.stealing(0.9 - BELOW));
    }

    @Test
    void leavesOfFiveRowsOrFewerAreMediumAndUnknownCountsLow() {
        assertEquals(MEDIUM, SeverityRules.exposure(5));
        assertEquals(MEDIUM, SeverityRules.exposure(1));
        assertEquals(LOW, SeverityRules.exposure(6));
        assertEquals(LOW, SeverityRules.exposure(null));
    }

    @Test
    void evasionIsLowBelowHalfTheRowsFlippedElseRatedOnTheMedianChange() {
        assertEquals(LOW, SeverityRules.evasion(0.5 - BELOW, 0.0));
        assertEquals(HIGH, SeverityRules.evasion(0.5, 0.1 - BELOW));
        assertEquals(MEDIUM, SeverityRules.evasion(0.5, 0.1));
        assertEquals(MEDIUM, SeverityRules.evasion(1, 0.5 - BELOW));
        assertEquals(LOW, SeverityRules.evasion(1, 0.5));
        assertEquals(LOW, SeverityRules.evasion(1, Double.NaN), "no median change measured");
    }
}
