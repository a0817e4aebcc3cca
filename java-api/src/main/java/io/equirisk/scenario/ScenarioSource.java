package io.equirisk.scenario;

import java.util.List;

/**
 * Where a {@link ScenarioSet}'s returns come from: a parametric {@link ScenarioModel} (μ, Σ and a Gaussian or
 * Student-t law; drawn on a GPU where one is used) or a {@link HistoricalBootstrap} of observed returns (drawn on the
 * host). Either way every draw is a pure function of (seed, scenario, row), so a set is the same however it is
 * sliced, threaded or solved.
 */
public sealed interface ScenarioSource permits ScenarioModel, HistoricalBootstrap {

    /**
     * Number of assets.
     *
     * @return N, the values in each scenario row
     */
    int size();

    /**
     * The assets' names, in the order of each scenario row's values.
     *
     * @return N names, immutable
     */
    List<String> assets();

    /**
     * One line for reports: what the scenarios are drawn from.
     *
     * @return e.g. "Student-t, ν = 5 returns of a covariance model"
     */
    String describe();
}
