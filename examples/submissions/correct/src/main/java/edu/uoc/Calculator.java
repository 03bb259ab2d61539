// Submission "correct": a right implementation; all 6 teacher tests pass.
package edu.uoc;

public class Calculator {

    public int add(int a, int b) {
        return a + b;
    }

    public int subtract(int a, int b) {
        return a - b;
    }

    public int multiply(int a, int b) {
        return a * b;
    }

    /** Integer division; throws ArithmeticException when b == 0. */
    public int divide(int a, int b) {
        return a / b;
    }

    /** a raised to the (non-negative) power n. */
    public int power(int a, int n) {
        int result = 1;
        for (int i = 0; i < n; i++) {
            result *= a;
        }
        return result;
    }
}
