package io.failback.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.messages.JobState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.schemas.Acls.Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium through Debian's chromedriver) during an end-to-end plan on the
 * sandbox: it shows a job submitted before it started, the boot groups' progress moves without a reload, a VM's audit
 * trail opens, and Commit, once confirmed, takes the job to COMPLETED. The job page's screenshot is left in target/.
 */
class DashboardBrowserIT {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
    /** The job page as the browser showed it at the end, for people (the README's image is taken from it). */
    static final Path SCREENSHOT = Path.of("target", "dashboard-job.png");

    @TempDir
    static Path work;

    private static FailbackSandbox sandbox;
    private static JobWatch watch;
    private static URI dashboard;
    private static WebDriver browser;

    @BeforeAll
    static void startEverythingThenTheDashboard() {
        EstateSpec estate = new EstateSpec.Builder()
                .plan("plan-web", "Web shop", 6, "mt-01", 3)
                .single("early-01", false, "mt-02", false)
                .build();
        sandbox = FailbackSandbox.start(FailbackSandbox.Options.demo(work, estate), line -> System.out.println("sandbox: " + line));
        watch = new JobWatch(sandbox.client(Principal.OPERATOR)).signedBy(sandbox.operators());
        // a job submitted, and taken by the orchestrator, before the dashboard exists
        watch.submit(JobWatch.vms("ui-early", "early-01").build());
        watch.awaitJob("ui-early", JOB_TIMEOUT, j -> j != null, "the early job known");
        dashboard = sandbox.startDashboard();
        browser = chromium();
    }

    @AfterAll
    static void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (watch != null) {
            watch.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldFollowAPlanLiveOpenAVmsTrailAndCommitItToCompletedInABrowser() throws Exception {
        // given the jobs list shows the job submitted before the dashboard started
        browser.get(dashboard.toString());
        WebElement early = waitFor(Duration.ofSeconds(60)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='ui-early']")));
        assertThat(early.getText()).contains("ui-early").contains(io.failback.demo.SandboxOperators.REQUESTER);

        // when a plan is submitted and its page opened while it runs: vCenter holds the plan at its preflight meanwhile
        // (a short hang, well inside the step timeouts), so the page surely sees every group before any VM is done
        String before;
        sandbox.vcsim().freeze();
        try {
            watch.submit(JobWatch.plan("ui-web", "plan-web").build());
            waitFor(Duration.ofSeconds(60)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-job='ui-web'] a"))).click();
            waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.id("job-state")));
            assertThat(browser.getCurrentUrl()).endsWith("/jobs/ui-web");
            js().executeScript("window.loadedOnce = 'this page, not a reload';");
            before = groupsDone();
        } finally {
            sandbox.vcsim().thaw();
        }

        // then the groups' progress moves without the page being loaded again
        waitFor(JOB_TIMEOUT).until(b -> !groupsDone().equals(before) && groupsDone().matches(".*[1-9].*"));
        assertThat(js().executeScript("return window.loadedOnce")).isEqualTo("this page, not a reload");
        waitFor(JOB_TIMEOUT).until(ExpectedConditions.textToBe(By.id("job-state"), "AWAITING_COMMIT"));
        assertThat(js().executeScript("return window.loadedOnce")).isEqualTo("this page, not a reload");
        // the job's and its VMs' entries sit on different partitions of the table: the VMs' may show a moment later
        waitFor(Duration.ofSeconds(30)).until(b -> groupsDone().equals("1:2/2 2:2/2 3:2/2"));
        waitFor(Duration.ofSeconds(30)).until(b -> browser.findElements(By.cssSelector("#vms tbody tr")).stream()
                .allMatch(r -> r.getText().contains("FAILED_BACK_AWAITING_COMMIT")));
        List<WebElement> rows = browser.findElements(By.cssSelector("#vms tbody tr"));
        assertThat(rows).hasSize(6);

        // and a VM's audit trail opens with the commands sent for it
        WebElement firstVm = rows.get(0);
        String vmId = firstVm.getAttribute("data-vm");
        firstVm.findElement(By.cssSelector("a.vm-audit")).click();
        waitFor(Duration.ofSeconds(60)).until(ExpectedConditions.presenceOfElementLocated(By.id("audit")));
        List<WebElement> trail = browser.findElements(By.cssSelector("#audit tbody tr"));
        assertThat(trail).isNotEmpty().allSatisfy(r -> assertThat(r.findElement(By.cssSelector("[data-f='vmId']")).getText()).isEqualTo(vmId));
        assertThat(trail).anySatisfy(r -> assertThat(r.findElement(By.cssSelector("[data-f='kind']")).getText()).isEqualTo("COMMAND"));
        assertThat(browser.findElement(By.id("export-csv")).getAttribute("href")).contains("audit.csv?vm=" + vmId);

        // when Commit is pressed and confirmed
        browser.get(dashboard.resolve("/jobs/ui-web").toString());
        waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.id("commit"))).click();
        waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.id("confirm-state"), "AWAITING_COMMIT"));
        browser.findElement(By.id("confirm")).click();

        // then the page says it was sent, and shows the job reach COMPLETED by itself
        assertThat(waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.id("notice"))).getText())
                .startsWith("commit sent");
        js().executeScript("window.loadedOnce = 'the page after the commit';");
        waitFor(JOB_TIMEOUT).until(ExpectedConditions.textToBe(By.id("job-state"), "COMPLETED"));
        assertThat(js().executeScript("return window.loadedOnce")).isEqualTo("the page after the commit");
        assertThat(watch.await("ui-web", JOB_TIMEOUT, Set.of(JobState.COMPLETED, JobState.PARTIALLY_COMPLETED, JobState.FAILED)))
                .as("the status topic agrees").isEqualTo(JobState.COMPLETED);
        waitFor(Duration.ofSeconds(30)).until(b -> browser.findElements(By.cssSelector("#vms tbody tr")).stream()
                .allMatch(r -> r.getText().contains("COMMITTED")));
        assertThat(browser.findElement(By.id("commit")).isDisplayed()).as("no commit offered after completion").isFalse();

        // and the job page is kept as a screenshot
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(SCREENSHOT).isNotEmptyFile();
        assertThat(watch.await("ui-early", JOB_TIMEOUT, Set.of(JobState.AWAITING_COMMIT, JobState.FAILED, JobState.REJECTED)))
                .isEqualTo(JobState.AWAITING_COMMIT);
    }

    /** Every group's done count, as the page shows it now, e.g. "1:2/2 2:0/2 3:0/2". */
    private static String groupsDone() {
        StringBuilder out = new StringBuilder();
        for (WebElement g : browser.findElements(By.cssSelector("#groups .group"))) {
            out.append(g.getAttribute("data-group")).append(':').append(g.getAttribute("data-done")).append('/')
                    .append(g.getAttribute("data-total")).append(' ');
        }
        return out.toString().trim();
    }

    private static JavascriptExecutor js() {
        return (JavascriptExecutor) browser;
    }

    private static WebDriverWait waitFor(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(200));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Headless Chromium driven by Debian's chromedriver (scripts/prerequisites.sh installs both); their paths can be
     * set with -Dchromium.binary and -Dchromedriver.binary. Never Selenium Manager: nothing is downloaded.
     */
    private static WebDriver chromium() {
        File driver = new File(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
        File binary = new File(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        assertThat(driver).as("chromedriver (apt-get install chromium-driver, or scripts/prerequisites.sh)").canRead();
        assertThat(binary).as("chromium (apt-get install chromium, or scripts/prerequisites.sh)").canRead();
        ChromeOptions options = new ChromeOptions().setBinary(binary)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                        "--user-data-dir=" + work.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, options);
    }
}
