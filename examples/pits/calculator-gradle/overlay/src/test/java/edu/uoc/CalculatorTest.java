package edu.uoc;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** Teacher's tests for the "calculator-gradle" PIT (JUnit 4). Exactly 6 tests. */
public class CalculatorTest {

    private final Calculator calc = new Calculator();

    @Test
    public void adds() {
        assertEquals(5, calc.add(2, 3));
        assertEquals(-1, calc.add(2, -3));
    }

    @Test
    public void subtracts() {
        assertEquals(-1, calc.subtract(2, 3));
        assertEquals(7, calc.subtract(4, -3));
    }

    @Test
    public void multiplies() {
        assertEquals(6, calc.multiply(2, 3));
        assertEquals(-12, calc.multiply(-4, 3));
    }

    @Test
    public void divides() {
        assertEquals(3, calc.divide(7, 2));
        assertEquals(-4, calc.divide(-8, 2));
    }

    @Test(expected = ArithmeticException.class)
    public void dividesByZeroThrows() {
        calc.divide(1, 0);
    }

    @Test
    public void powers() {
        assertEquals(8, calc.power(2, 3));
        assertEquals(1, calc.power(5, 0));
    }
}
