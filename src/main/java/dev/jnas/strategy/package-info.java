/** Ask/tell search strategies with snapshots that carry their random state. Engine-free. */
package dev.jnas.strategy;
