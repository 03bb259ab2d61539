// Submission "memory-hog": right results, except that add() keeps allocating until the heap is
// exhausted. Expected verdict: MEMORY_LIMIT.
package edu.uoc;

import java.util.ArrayList;
import java.util.List;

public class Calculator {

    private static final List<long[]> HOARD = new ArrayList<>();

    public int add(int a, int b) {
        while (true) {
            HOARD.add(new long[1 << 20]); // 8 MB at a time, never released
        }
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
