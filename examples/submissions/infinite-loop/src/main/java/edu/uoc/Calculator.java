// Submission "infinite-loop": add() never returns (a busy loop on a volatile
// field, which the JIT cannot remove). Everything else is correct.
package edu.uoc;

public class Calculator {

    private volatile long spins;

    public int add(int a, int b) {
        while (spins >= 0) {
            spins++; // volatile write: the loop cannot be optimised away
        }
        return a + b;
    }

    public int subtract(int a, int b) {
        return a - b;
    }

    public int multiply(int a, int b) {
        return a * b;
    }

    public int divide(int a, int b) {
        return a / b;
    }

    public int power(int a, int n) {
        int result = 1;
        for (int i = 0; i < n; i++) {
            result *= a;
        }
        return result;
    }
}
