// Submission "override-tests": an extra student test class that always passes.
// It must not be counted (the grader selects the teacher's test class only).
package edu.uoc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StudentExtraTest {

    @Test
    void alwaysPasses() {
        assertEquals(0, new Calculator().add(2, 3));
    }
}
