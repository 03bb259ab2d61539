package runner.testhost;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.reporting.legacy.LegacyReportingUtils;

/**
 * Streams each test's result to the runner as soon as it finishes.
 *
 * <p>Names, classes and statuses follow the JUnit Platform's legacy XML report (what the console
 * launcher and Surefire write), so a grade is the same whichever way its results arrived: tests
 * under a skipped or aborted container are skipped ("parent was skipped: ..."), tests under a
 * failed container fail with the container's exception, and an aborted test is skipped with its
 * stack trace as the reason.
 */
final class ResultListener implements TestExecutionListener {
  private final ResultChannel channel;
  private final Map<TestIdentifier, Long> started = new HashMap<>();
  private final Map<TestIdentifier, String> skipped = new HashMap<>();
  private final Map<TestIdentifier, Throwable> failedContainers = new HashMap<>();
  private final Set<TestIdentifier> reported = new HashSet<>();
  private TestPlan plan;

  ResultListener(ResultChannel channel) {
    this.channel = channel;
  }

  int reportedCount() {
    return reported.size();
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    skipped.put(id, reason == null ? "" : reason);
    if (id.isTest()) report(id, "skipped", "", reason == null ? "" : reason, 0);
  }

  @Override
  public void executionStarted(TestIdentifier id) {
    started.put(id, System.nanoTime());
    if (id.isTest()) {
      channel.started(LegacyReportingUtils.getClassName(plan, id), id.getLegacyReportingName());
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    double seconds = elapsedMillis(id) / 1000.0;
    Optional<Throwable> thrown = result.getThrowable();
    switch (result.getStatus()) {
      case SUCCESSFUL -> {
        if (id.isTest()) report(id, "passed", "", "", seconds);
      }
      case ABORTED -> {
        String reason = thrown.map(ResultListener::stackTrace).orElse("");
        skipped.put(id, reason);
        if (id.isTest()) report(id, "skipped", "", reason, seconds);
      }
      case FAILED -> {
        Throwable t = thrown.orElse(null);
        if (id.isTest()) {
          report(id, "failed", t == null ? "" : t.getClass().getName(), messageOf(t), seconds);
        } else {
          failedContainers.put(id, t);
        }
      }
    }
  }

  /**
   * Tests that never ran because a container around them was skipped or failed: reported the way
   * the legacy XML report describes them.
   */
  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    for (TestIdentifier root : testPlan.getRoots()) {
      for (TestIdentifier id : testPlan.getDescendants(root)) {
        if (!id.isTest() || reported.contains(id)) continue;
        Optional<TestIdentifier> skippedAncestor = ancestor(id, skipped::containsKey);
        if (skippedAncestor.isPresent()) {
          report(id, "skipped", "", "parent was skipped: " + skipped.get(skippedAncestor.get()), 0);
          continue;
        }
        Optional<TestIdentifier> failed = ancestor(id, failedContainers::containsKey);
        if (failed.isPresent()) {
          Throwable t = failedContainers.get(failed.get());
          report(id, "failed", t == null ? "" : t.getClass().getName(), messageOf(t), 0);
        }
      }
    }
  }

  private void report(TestIdentifier id, String status, String type, String message, double s) {
    if (!reported.add(id)) return;
    if (status.equals("skipped")) message = trimmed(message);  // as the runner reads reports
    String className = LegacyReportingUtils.getClassName(plan, id);
    String name = id.getLegacyReportingName();
    String mark = status.equals("passed") ? "✔" : status.equals("skipped") ? "↷" : "✘";
    String detail = type.isEmpty() ? message : message.isEmpty() ? type : type + ": " + message;
    channel.log(mark + " " + simpleName(className) + " > " + name
        + (detail.isEmpty() || status.equals("passed") ? "" : "  " + firstLine(detail)));
    channel.test(className, name, status, type, message, s);
  }

  private Optional<TestIdentifier> ancestor(
      TestIdentifier id, java.util.function.Predicate<TestIdentifier> test) {
    Optional<TestIdentifier> current = Optional.of(id);
    while (current.isPresent()) {
      if (test.test(current.get())) return current;
      current = plan.getParent(current.get());
    }
    return Optional.empty();
  }

  private long elapsedMillis(TestIdentifier id) {
    Long start = started.get(id);
    return start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
  }

  /**
   * The exception's message; when it has none but a cause (an ExceptionInInitializerError, say),
   * the cause, which is what the student needs to see.
   */
  private static String messageOf(Throwable t) {
    if (t == null) return "";
    String message = t.getMessage();
    if (message != null && !message.isEmpty()) return message;
    return t.getCause() == null ? "" : "caused by " + t.getCause();
  }

  private static String stackTrace(Throwable t) {
    java.io.StringWriter text = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }

  /** Without leading and trailing spaces, tabs and line ends (the runner's own trim). */
  private static String trimmed(String text) {
    int start = 0, end = text.length();
    while (start < end && " \t\r\n".indexOf(text.charAt(start)) >= 0) start++;
    while (end > start && " \t\r\n".indexOf(text.charAt(end - 1)) >= 0) end--;
    return text.substring(start, end);
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
