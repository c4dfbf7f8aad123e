package dev.jnas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.cluster.ClusterExecutor.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  // slow (20 GFLOP/s, 1 slot, joined first), fast (80, 2 slots), middle (40, 1 slot)
  private static List<Candidate> workers(int busySlow, int busyFast, int busyMiddle) {
    return List.of(new Candidate(1, busySlow, 20, 1), new Candidate(2, busyFast, 80, 2), new Candidate(1, busyMiddle, 40, 3));
  }

  @Test
  void plannedSlotsAreLaidOutFastestFirst() {
    // layout: fast, fast, middle, slow
    assertThat(ClusterExecutor.place(workers(0, 0, 0), 0)).isEqualTo(1);
    assertThat(ClusterExecutor.place(workers(0, 0, 0), 1)).isEqualTo(1);
    assertThat(ClusterExecutor.place(workers(0, 0, 0), 2)).isEqualTo(2);
    assertThat(ClusterExecutor.place(workers(0, 0, 0), 3)).isEqualTo(0);
    assertThat(ClusterExecutor.place(workers(0, 0, 0), 7)).isEqualTo(0); // wraps when SHADHO has more slots
  }

  @Test
  void aBusyPlannedWorkerGivesWayToTheOneWithMostRoom() {
    assertThat(ClusterExecutor.place(workers(0, 2, 0), 0)).isEqualTo(2); // slow and middle have 1 free each: the faster
    assertThat(ClusterExecutor.place(workers(1, 2, 1), 0)).isEqualTo(-1);
  }

  @Test
  void withoutAPlanTheMostFreeSlotsWinThenSpeedThenAge() {
    assertThat(ClusterExecutor.place(workers(0, 0, 0), -1)).isEqualTo(1); // 2 free
    assertThat(ClusterExecutor.place(workers(0, 1, 0), -1)).isEqualTo(1); // all 1 free: fastest
    assertThat(ClusterExecutor.place(List.of(new Candidate(1, 0, 50, 5), new Candidate(1, 0, 50, 2)), -1)).isEqualTo(1);
    assertThat(ClusterExecutor.place(List.of(), 0)).isEqualTo(-1);
  }
}
