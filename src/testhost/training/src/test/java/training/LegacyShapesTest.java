package training;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

// A JUnit 4 test, so the Vintage engine's classes are archived too.
public class LegacyShapesTest {
  @Test
  public void squares() {
    assertEquals(9.0, Shapes.area("square", 3), 1e-9);
  }
}
