// Submission "partial": exactly 2 tests fail (subtracts, divides: wrong results,
// no exception); the other 4 (adds, multiplies, dividesByZeroThrows, powers) pass.
package edu.uoc;

public class Calculator {

    public int add(int a, int b) {
        return a + b;
    }

    public int subtract(int a, int b) {
        return b - a; // BUG: operands swapped
    }

    public int multiply(int a, int b) {
        return a * b;
    }

    public int divide(int a, int b) {
        return a / b + 1; // BUG: off by one (still throws on b == 0)
    }

    public int power(int a, int n) {
        int result = 1;
        for (int i = 0; i < n; i++) {
            result *= a;
        }
        return result;
    }
}
