// Submission "override-tests": a JUnit 5 extension that swallows every test
// failure. junit-platform.properties turns on extension auto-detection and
// META-INF/services/org.junit.jupiter.api.extension.Extension registers it, so
// without countermeasures even the teacher's tests would all "pass".
package edu.uoc;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

public class StudentSwallowExtension implements TestExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) {
        System.out.println("STUDENT-EXTENSION swallowed " + throwable);
    }
}
