// Submission "flood": correct results, but the first call of add() prints about
// 50 MB to System.out (50_000 lines of 1 KB each) before returning.
package edu.uoc;

public class Calculator {

    private static final String LINE = "x".repeat(1023); // + '\n' = 1 KB
    private static boolean flooded;

    public int add(int a, int b) {
        if (!flooded) {
            flooded = true;
            for (int i = 0; i < 50_000; i++) {
                System.out.println(LINE);
            }
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
