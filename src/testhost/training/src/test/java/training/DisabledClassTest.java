package training;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

// A disabled class: its tests are skipped because their parent was.
@Disabled("class disabled on purpose")
class DisabledClassTest {
  @Test
  void skippedWithItsClass() {}
}
