// Submission "override-tests": the student's OWN CalculatorTest, with the same 6
// test names as the teacher's but trivially passing. A grader must replace it
// with the teacher's version.
package edu.uoc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CalculatorTest {

    @Test
    void adds() {
        assertTrue(true);
    }

    @Test
    void subtracts() {
        assertTrue(true);
    }

    @Test
    void multiplies() {
        assertTrue(true);
    }

    @Test
    void divides() {
        assertTrue(true);
    }

    @Test
    void dividesByZeroThrows() {
        assertTrue(true);
    }

    @Test
    void powers() {
        assertTrue(true);
    }
}
