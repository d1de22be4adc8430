package org.cbec.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
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
        assertThat(CHROMEDRIVER).as("install the Debian packages chromium and chromium-driver (.ci/run does)").exists();
        gateway = new GatewayUnderTest(root).with("gateway.forward.max-attempts", "1").start();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
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
        String delivered = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner))).path("messageId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> "FORWARDED".equals(gateway.getJson("/api/v1/messages/" + delivered).path("status").asText()));
        gateway.national().setDown(true);
        String dead = GatewayUnderTest.json(gateway.postCms(TestPki.signCms(Fixtures.load("valid/ecom-shipment.json").bytes(), gateway.cnSigner)))
                .path("messageId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.getJson("/api/v1/dead-letters").path("count").asInt() == 1);
        gateway.national().setDown(false);

        logIn(GatewayUnderTest.OPERATOR, GatewayUnderTest.OPERATOR_PASSWORD);
        browser.get(console("#/messages?partner=CN-GACC"));
        WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText(delivered)));
        link.click();
        String status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message-status"))).getText();
        String page = browser.findElement(By.id("view")).getText();
        browser.get(console("#/dead-letters"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), dead + "-0"));
        List<WebElement> operatorButtons = browser.findElements(By.cssSelector("button.replay"));
        logOut();

        logIn(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD);
        browser.get(console("#/dead-letters"));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.replay[data-id='" + dead + "-0']"))).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> "FORWARDED".equals(gateway.getJson("/api/v1/messages/" + dead).path("status").asText()));

        assertThat(status).isEqualTo("FORWARDED");
        assertThat(page).contains("CN-GACC", "ecom-shipment-json", "CN=CN-GACC Signer", "Download the archived bytes", "ACCEPTED");
        assertThat(operatorButtons).as("an operator is offered no replay").isEmpty();
        assertThat(gateway.getJson("/api/v1/messages/" + dead).path("history").toString()).contains("DEAD_LETTER_REPLAYED", "by admin");
    }

    @Test
    void a_wrong_password_shows_an_error_and_no_view() {
        browser.get(console(""));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name"))).sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys("wrong");
        browser.findElement(By.id("login-submit")).click();

        wait.until(driver -> !driver.findElement(By.id("login-error")).getText().isEmpty());

        assertThat(browser.findElement(By.id("login-error")).getText()).contains("wrong name or password");
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
    }

    private void logIn(String user, String password) {
        browser.get(console(""));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name"))).sendKeys(user);
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
