package dev.jnas.strategy;

import dev.jnas.space.Architecture;

/**
 * A strategy that plans which worker slot runs each trial (SHADHO gives the fastest workers the
 * most complex subspaces). Slots are numbered from 0, the fastest; an executor with real machines
 * (a cluster) orders its workers' slots by measured speed and sends each trial to its planned slot
 * when that slot is free.
 */
public interface SlotPlanner {
  /** The slot planned for {@code arch}, asked and not yet told; -1 when none. */
  int slotOf(Architecture arch);
}
