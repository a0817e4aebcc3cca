/**
 * What weights chosen at rebalance dates would have returned: the portfolio held from each date to the next
 * ({@link io.equirisk.backtest.HeldPortfolio}) and the usual summary of such a return series
 * ({@link io.equirisk.backtest.PerformanceSummary}).
 */
package io.equirisk.backtest;
