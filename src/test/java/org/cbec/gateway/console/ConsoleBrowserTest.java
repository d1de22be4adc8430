package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Chromium from the Debian packages chromium and chromium-driver, which
 * .ci/run installs; no driver is downloaded): log in, find a message sent in the test and open it, replay a dead
 * letter as admin, and see that an operator cannot.
 */
class ConsoleBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path root;

    GatewayUnderTest gateway;
    WebDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void start() {
        assertThat(CHROMEDRIVER)
                .as("install the Debian packages chromium and chromium-driver (.ci/run does)")
                .exists();
        // the charts sample every half second here, so that the chart test sees its traffic at once
        gateway = new GatewayUnderTest(root)
                .with("gateway.forward.max-attempts", "1")
                .with("gateway.console.chart-step", "PT0.5S")
                .start();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        gateway.close();
    }

    @Test
    void an_operator_finds_and_opens_a_message_but_only_an_admin_replays_a_dead_letter() {
        Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
        String delivered = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner)))
                .path("messageId")
                .asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + delivered)
                                .path("status")
                                .asText()));
        gateway.national().setDown(true);
        String dead = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner)))
                .path("messageId")
                .asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        gateway.getJson("/api/v1/dead-letters").path("count").asInt() == 1);
        gateway.national().setDown(false);

        logIn(GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);
        browser.get(console("#/messages?partner=CN-GACC"));
        WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText(delivered)));
        link.click();
        String status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message-status")))
                .getText();
        String page = browser.findElement(By.id("view")).getText();
        browser.get(console("#/dead-letters"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), dead + "-0"));
        List<WebElement> operatorButtons = browser.findElements(By.cssSelector("button.replay"));
        logOut();

        logIn(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD);
        browser.get(console("#/dead-letters"));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.replay[data-id='" + dead + "-0']")))
                .click();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + dead)
                                .path("status")
                                .asText()));

        assertThat(status).isEqualTo("FORWARDED");
        assertThat(page)
                .contains(
                        "CN-GACC",
                        "ecom-shipment-json",
                        "CN=CN-GACC Signer",
                        "Download the archived bytes",
                        "ACCEPTED");
        assertThat(operatorButtons).as("an operator is offered no replay").isEmpty();
        assertThat(gateway.getJson("/api/v1/messages/" + dead).path("history").toString())
                .contains("DEAD_LETTER_REPLAYED", "by admin");
    }

    @Test
    void the_charts_draw_the_live_traffic_backlog_latency_and_certificates() throws Exception {
        String delivered = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner)))
                .path("messageId")
                .asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + delivered)
                                .path("status")
                                .asText()));
        HttpResponse<String> refused = gateway.postCms(TestPki.signCms(
                Fixtures.load("invalid/unknown-document-type.json").bytes(), gateway.cnSigner));
        gateway.national().setDown(true);
        gateway.postCms(
                TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        gateway.getJson("/api/v1/dead-letters").path("count").asInt() == 1);
        gateway.national().setDown(false);
        // the samples have taken it all in: accepted, refused and delivered for CN-GACC, and the dead letter
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode charts = gateway.getJson("/api/v1/charts");
            JsonNode cn = charts.path("partners").path("CN-GACC");
            return sum(cn.path("accepted")) >= 2
                    && sum(cn.path("refused")) >= 1
                    && sum(cn.path("delivered")) >= 1
                    && sum(charts.path("deadLetters")) >= 1;
        });

        logIn(GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);
        browser.manage()
                .window()
                .setSize(new org.openqa.selenium.Dimension(1400, 1500)); // every chart in the screenshot
        browser.get(console("#/charts"));
        List<String> charts = List.of(
                "chart-accepted",
                "chart-refused",
                "chart-delivered",
                "chart-latency",
                "chart-backlog",
                "chart-certificates");
        for (String chart : charts) {
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + chart + " canvas")));
        }
        Map<String, Double> hour = totals(charts);
        Map<String, String> series = attributes(charts, "series");
        Path screenshots = Files.createDirectories(Path.of("target", "console-screenshots"));
        Files.write(
                screenshots.resolve("charts-last-hour.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.findElement(By.id("window-day")).click();
        wait.ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeContains(By.id("window-day"), "class", "active"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-accepted canvas")));
        Map<String, Double> day = totals(charts);
        Files.write(
                screenshots.resolve("charts-last-day.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(hour.get("chart-accepted")).as("accepted messages drawn").isGreaterThanOrEqualTo(2);
        assertThat(hour.get("chart-refused")).as("the refusal drawn").isGreaterThanOrEqualTo(1);
        assertThat(hour.get("chart-delivered")).as("the delivery drawn").isGreaterThanOrEqualTo(1);
        assertThat(hour.get("chart-latency")).as("accept latency drawn").isGreaterThan(0);
        assertThat(hour.get("chart-backlog")).as("the dead letter drawn").isGreaterThanOrEqualTo(1);
        assertThat(hour.get("chart-certificates")).as("days to expiry drawn").isGreaterThan(0);
        assertThat(series.get("chart-accepted")).contains("CN-GACC");
        assertThat(series.get("chart-latency")).isEqualTo("p50,p95,p99");
        assertThat(series.get("chart-certificates")).contains("CN-GACC", "gateway");
        assertThat(day.get("chart-accepted")).isGreaterThanOrEqualTo(hour.get("chart-accepted"));
        assertThat(screenshots.resolve("charts-last-hour.png")).isNotEmptyFile();
    }

    private Map<String, Double> totals(List<String> charts) {
        Map<String, Double> totals = new java.util.HashMap<>();
        attributes(charts, "total")
                .forEach((chart, total) -> totals.put(chart, total == null ? 0 : Double.parseDouble(total)));
        return totals;
    }

    /** A data attribute of each chart, read in one script: the view redraws itself every 10 s. */
    @SuppressWarnings("unchecked")
    private Map<String, String> attributes(List<String> charts, String name) {
        return (Map<String, String>) ((JavascriptExecutor) browser)
                .executeScript(
                        "const found = {}; for (const id of arguments[0]) { const e = document.getElementById(id); found[id] = e ? e.dataset[arguments[1]] : null; }"
                                + " return found;",
                        charts,
                        name);
    }

    private static double sum(JsonNode values) {
        double sum = 0;
        for (JsonNode value : values) {
            sum += value.asDouble();
        }
        return sum;
    }

    @Test
    void a_wrong_password_shows_an_error_and_no_view() {
        browser.get(console(""));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name")))
                .sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys("wrong");
        browser.findElement(By.id("login-submit")).click();

        wait.until(driver -> !driver.findElement(By.id("login-error")).getText().isEmpty());

        assertThat(browser.findElement(By.id("login-error")).getText()).contains("wrong name or password");
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
    }

    private void logIn(String user, String password) {
        browser.get(console(""));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name")))
                .sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(password);
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), user));
    }

    private void logOut() {
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name")));
    }

    private String console(String fragment) {
        return "http://127.0.0.1:" + gateway.port() + "/console/" + fragment;
    }
}
