package io.weightcast.deploy.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (Debian's chromium, headless, over the DevTools protocol)
 * against a real system in this JVM: the page shows every agent, follows a rollout to 100%, and
 * a click on Rollback (confirmed) moves the agents' {@code current} back and shows it. Skipped
 * when /usr/bin/chromium is missing (.ci/run installs it). Screenshots go to deploy/target/.
 */
class DashboardBrowserTest {
  private static final long MIB = 1024 * 1024;
  private static final int AGENTS = 6;
  @TempDir Path dir;

  @Test
  void pageFollowsARolloutToCompletionAndRollsBackOnClick() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Chromium.BINARY), "no " + Chromium.BINARY);
    Path shots = Path.of("target", "dashboard");
    try (OperatorFixture system = new OperatorFixture(dir, AGENTS)) {
      system.push("m", "v1", 4 * MIB, 1, MIB);
      system.awaitAllCurrent("m", "v1", 60_000);
      try (Chromium chrome = new Chromium(system.vertx, 1400, 1000)) {
        String registry = "http://" + system.cluster.registryEndpoint() + "/";
        chrome.navigate(registry);
        awaitPage(chrome, "document.querySelectorAll('.host').length === " + AGENTS,
            "every agent on the page");
        awaitPage(chrome, "document.getElementById('overall').textContent === '100%'", "v1 100%");

        system.push("m", "v2", 192 * MIB, 2, MIB);
        boolean midShot = false;
        long deadline = System.currentTimeMillis() + 120_000;
        while (!done(chrome, "m/v2")) {
          if (System.currentTimeMillis() > deadline) {
            throw new AssertionError("the page never showed m/v2 at 100%: "
                + chrome.eval("document.getElementById('overall').textContent"));
          }
          if (!midShot && midRollout(chrome)) {
            chrome.screenshot(shots.resolve("dashboard-mid-rollout.png"));
            midShot = true;
          }
          Thread.sleep(100);
        }
        system.awaitAllCurrent("m", "v2", 60_000);
        awaitPage(chrome, "document.querySelectorAll('.host[data-current=\"true\"]').length === "
            + AGENTS, "every host current on v2");
        chrome.screenshot(shots.resolve("dashboard-complete.png"));

        chrome.eval("setTimeout(() => document.getElementById('rollback').click(), 0); true");
        system.awaitAllCurrent("m", "v1", 60_000);
        awaitPage(chrome, "document.querySelector('[data-rollout=\"m/v2\"]').textContent"
            + ".includes('withdrawn')", "v2 shown withdrawn");
        awaitPage(chrome, "document.querySelectorAll('.host[data-current=\"true\"]').length === 0",
            "no host current on v2 any more");
        List<String> dialogs = chrome.dialogs();
        assertEquals(1, dialogs.size(), dialogs.toString());
        assertTrue(dialogs.get(0).contains("Roll m back"), dialogs.get(0));
        chrome.screenshot(shots.resolve("dashboard-rolled-back.png"));
        assertTrue(Files.size(shots.resolve("dashboard-rolled-back.png")) > 10_000);
        System.out.println("dashboard screenshots in " + shots.toAbsolutePath()
            + (midShot ? "" : " (the rollout finished between two polls: no mid-rollout shot)"));
      }
    }
  }

  private static boolean done(Chromium chrome, String rollout) {
    return Boolean.TRUE.equals(chrome.eval("document.getElementById('title').textContent === '"
        + rollout + "' && document.getElementById('overall').textContent === '100%'"
        + " && document.getElementById('overall').dataset.active === '" + AGENTS + "'"));
  }

  private static boolean midRollout(Chromium chrome) {
    Object pct = chrome.eval("document.getElementById('title').textContent === 'm/v2'"
        + " ? parseInt(document.getElementById('overall').textContent) : -1");
    return pct instanceof Number n && n.intValue() >= 15 && n.intValue() <= 85;
  }

  private static void awaitPage(Chromium chrome, String condition, String what)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Boolean.TRUE.equals(chrome.eval(condition))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for the page: " + what);
      }
      Thread.sleep(100);
    }
  }
}
