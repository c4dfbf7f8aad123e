/**
 * Trial stores: SQLite for experiments (WAL, synchronous commits, created atomically, checked
 * read-only before anything is written, one writing process per experiment through {@link
 * dev.jnas.store.ExperimentLock}), in memory for simulations. Engine-free.
 */
package dev.jnas.store;
