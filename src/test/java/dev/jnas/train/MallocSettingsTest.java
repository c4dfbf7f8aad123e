package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MallocSettingsTest {
  @Test
  void theLauncherAndTheTestJvmsUseTheSettings() throws IOException {
    String launcher = Files.readString(Path.of("jnas"));
    for (String[] kv : MallocSettings.ENV) {
      assertThat(launcher).contains("export " + kv[0] + "=\"${" + kv[0] + ":-" + kv[1] + "}\"");
      assertThat(System.getenv(kv[0])).as("surefire's environment (pom.xml) sets %s", kv[0]).isEqualTo(kv[1]);
    }
    assertThat(MallocSettings.missing()).isFalse();
    assertThat(MallocSettings.asShell())
        .isEqualTo("MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296");
  }
}
