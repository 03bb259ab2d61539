// Submission "fake-reports": a WRONG implementation (every method returns 0, divide
// never throws), so all 6 teacher tests fail.
// It also ships forged "all passed" JUnit XML reports (target/surefire-reports,
// build/test-results/test, reports/, src/test/resources/) to fool a naive grader.
package edu.uoc;

public class Calculator {

    public int add(int a, int b) {
        return 0;
    }

    public int subtract(int a, int b) {
        return 0;
    }

    public int multiply(int a, int b) {
        return 0;
    }

    public int divide(int a, int b) {
        return 0;
    }

    public int power(int a, int n) {
        return 0;
    }
}
