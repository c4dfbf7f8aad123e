/** Trial stores: SQLite (WAL) for experiments, in memory for simulations. Engine-free. */
package dev.jnas.store;
