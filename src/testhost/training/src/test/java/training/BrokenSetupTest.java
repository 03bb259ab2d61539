package training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// A class whose setup fails: its tests never start and fail with the setup's exception.
class BrokenSetupTest {
  @BeforeAll
  static void setUp() {
    throw new IllegalStateException("setup failed on purpose");
  }

  @Test
  void neverRuns() {
    assertTrue(true);
  }
}
