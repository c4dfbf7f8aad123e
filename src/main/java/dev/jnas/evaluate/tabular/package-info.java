/**
 * Tabular benchmarks: recorded metrics looked up instead of trained. {@link
 * dev.jnas.evaluate.tabular.NasBench201Table} reads NAS-Bench-201's CSV, {@link
 * dev.jnas.evaluate.tabular.KeyedTable} any table keyed by strings of one-character choices (its
 * space is a {@link dev.jnas.space.TableSpace}), and {@link
 * dev.jnas.evaluate.tabular.TabularEvaluator} turns either into an {@link
 * dev.jnas.evaluate.Evaluator}.
 */
package dev.jnas.evaluate.tabular;
