package io.archway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void allowsTenPlusOneRetryPerFiveRequests() {
        RetryBudget budget = new RetryBudget();
        int retries = 0;
        for (int i = 0; i < 1000; i++) {
            budget.deposit();
            // Every request fails and wants two retries: the budget decides.
            for (int k = 0; k < 2; k++) {
                if (budget.tryWithdraw()) {
                    retries++;
                }
            }
        }
        // The first deposit finds the reserve full and is lost, so one short of the bound.
        assertThat(retries).isEqualTo(10 + 1000 / 5 - 1);
    }

    @Test
    void aQuietHealthyPeriodSavesNoMoreThanTheReserve() {
        RetryBudget budget = new RetryBudget();
        for (int i = 0; i < 100_000; i++) {
            budget.deposit();
        }
        int retries = 0;
        while (budget.tryWithdraw()) {
            retries++;
        }
        assertThat(retries).isEqualTo(10);
    }
}
