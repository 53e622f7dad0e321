package org.myelin.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser (Debian's chromium through chromedriver) against a
 * running main and worker: the page shows the streams, the link and the rates, and its numbers move
 * when rows are written; on the worker's page the lag shows while the worker is stopped. Saves
 * screenshots to {@code target/dashboard/}. Without chromium the test is skipped, except under
 * {@code CI=true}, where it fails.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "dashboard");

    @TempDir
    Path data;
    @TempDir
    Path profile;
    private OpsCluster cluster;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                fail("the dashboard's browser test " + why);
            }
            Assumptions.abort(why);
        }
        cluster = new OpsCluster(data);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // without the background-networking flags chromium stalls on a machine with no internet
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,1100");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theNumbersOnThePageMoveWhenRowsAreWritten() throws Exception {
        browser.get(cluster.mainUrl() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(100));
        By eventsPosition = By.cssSelector("tr[data-stream='events'][data-instance='master'] td.position");
        wait.until(d -> text(eventsPosition).equals("0"));
        assertThat(text(By.cssSelector("#role"))).isEqualTo("main");
        assertThat(cells(By.cssSelector("tr[data-link='w1'] td"))).startsWith("w1").contains("tcp", "open");
        By rowsLastMinute = By.cssSelector("[data-minute='rows']");
        assertThat(text(rowsLastMinute)).isEqualTo("0");

        // rows in a few bursts: the position follows each, the rate chart gets some shape
        for (int burst = 1; burst <= 3; burst++) {
            cluster.write(10 * burst);
            int total = 10 * burst * (burst + 1) / 2;
            wait.until(d -> text(eventsPosition).equals(String.valueOf(total)));
        }
        wait.until(d -> !text(rowsLastMinute).equals("0"));
        assertThat(Double.parseDouble(text(rowsLastMinute))).isPositive();
        wait.until(d -> !cells(By.cssSelector("#rate-rows svg polyline")).isEmpty());
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        screenshot("main.png");

        // the worker's page: its lag shows while it is stopped, and goes back to 0
        browser.get(cluster.workerUrl() + "/");
        By workerEvents = By.cssSelector("tr[data-stream='events'][data-instance='master'] td");
        wait.until(d -> cells(workerEvents).equals(List.of("events", "master", "60", "0", "0")));
        assertThat(text(By.cssSelector("#role"))).isEqualTo("worker");
        cluster.pauseWorker();
        cluster.write(5);
        wait.until(d -> cells(workerEvents).get(3).equals("5") && Long.parseLong(cells(workerEvents).get(4)
                .replace(",", "")) >= 500);
        screenshot("worker-paused.png");
        cluster.resumeWorker();
        wait.until(d -> cells(workerEvents).equals(List.of("events", "master", "65", "0", "0")));
    }

    /** The first match's text; read in the page in one go, as the page redraws every second. */
    private String text(By by) {
        List<String> found = cells(by);
        return found.isEmpty() ? "" : found.get(0);
    }

    /** Every match's text, read in the page in one go (elements held across a redraw would be stale). */
    @SuppressWarnings("unchecked")
    private List<String> cells(By by) {
        String css = ((By.ByCssSelector) by).toString().replaceFirst("^By\\.cssSelector: ", "");
        return (List<String>) browser.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim());", css);
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
