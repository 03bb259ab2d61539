package training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

// Passing, failing, erroring, skipped and aborted tests, parameterized and nested ones: every
// path of the JUnit Platform a grade can take, loaded once while the archive is made.
class ShapesTest {
  @Test
  void squares() {
    assertEquals(4.0, Shapes.area("square", 2), 1e-9);
  }

  @Test
  @DisplayName("unknown shapes are rejected")
  void rejectsUnknown() {
    assertThrows(IllegalArgumentException.class, () -> Shapes.area("hexagon", 1));
  }

  @Test
  void failsOnPurpose() {
    assertEquals(List.of(0, 2), Shapes.evens(4), "a failing test, as graded code has");
  }

  @Test
  void errorsOnPurpose() {
    Shapes.area("triangle", 1);
  }

  @Test
  @Disabled("skipped on purpose")
  void skipped() {}

  @Test
  void aborted() {
    assumeTrue(false, "aborted on purpose");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4, 6})
  void evensContain(int n) {
    assertTrue(Shapes.evens(6).contains(n));
  }

  @ParameterizedTest
  @CsvSource({"a b a, 2", "x, 1"})
  void countsWords(String text, int first) {
    assertEquals(first, Shapes.countWords(text).values().iterator().next());
  }

  @Nested
  class Circles {
    @Test
    void circles() {
      assertEquals(Math.PI, Shapes.area("circle", 1), 1e-9);
    }
  }
}
