package edu.uoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Teacher's tests for the "calculator" PIT (JUnit 5). Exactly 6 tests. */
class CalculatorTest {

    private final Calculator calc = new Calculator();

    @Test
    void adds() {
        assertEquals(5, calc.add(2, 3));
        assertEquals(-1, calc.add(2, -3));
    }

    @Test
    void subtracts() {
        assertEquals(-1, calc.subtract(2, 3));
        assertEquals(7, calc.subtract(4, -3));
    }

    @Test
    void multiplies() {
        assertEquals(6, calc.multiply(2, 3));
        assertEquals(-12, calc.multiply(-4, 3));
    }

    @Test
    void divides() {
        assertEquals(3, calc.divide(7, 2));
        assertEquals(-4, calc.divide(-8, 2));
    }

    @Test
    void dividesByZeroThrows() {
        assertThrows(ArithmeticException.class, () -> calc.divide(1, 0));
    }

    @Test
    void powers() {
        assertEquals(8, calc.power(2, 3));
        assertEquals(1, calc.power(5, 0));
    }
}
