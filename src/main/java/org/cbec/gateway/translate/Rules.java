package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cbec.gateway.canonical.AeoStatus;

/** The field rules of FORMATS.md, shared by every format so that one defect reads the same everywhere. */
final class Rules {

    static final String REQUIRED = "is required";
    static final String AEO_ID =
            "must be 4 to 35 characters A-Z or 0-9 starting with an ISO 3166-1 alpha-2 country code";
    static final String COUNTRY = "must be an ISO 3166-1 alpha-2 country code";
    static final String STATUS = "must be one of ACTIVE, SUSPENDED, REVOKED, WITHDRAWN";
    static final String DATE = "must be an ISO 8601 date such as 2019-05-01";
    static final String INSTANT = "must be an ISO 8601 instant such as 2019-05-01T00:00:00Z";
    static final String CURRENCY = "must be an ISO 4217 currency code";
    static final String HS_CODE = "must be a string of 6 to 10 digits";
    static final String DECIMAL = "must be a decimal number (a JSON number or a string such as \"59.80\")";
    static final String DECIMAL_RANGE =
            "must have at most " + Rules.MAX_DIGITS + " digits before and after the decimal point";

    /** Enough for any amount, weight or quantity, and small enough that no exponent can blow up a string. */
    static final int MAX_DIGITS = 30;

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode)
            .collect(Collectors.toUnmodifiableSet());
    private static final Pattern AEO_ID_SHAPE = Pattern.compile("[A-Z0-9]{4,35}");
    private static final Pattern DATE_SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern INSTANT_SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt].*");
    private static final Pattern HS_CODE_SHAPE = Pattern.compile("[0-9]{6,10}");
    // bounded so that a megabyte of digits never reaches the BigDecimal parser
    private static final Pattern DECIMAL_TEXT = Pattern.compile("[0-9]{1,30}(\\.[0-9]{1,30})?");

    private Rules() {}

    static boolean isCountry(String code) {
        return COUNTRIES.contains(code);
    }

    static boolean isCurrency(String code) {
        return CURRENCIES.contains(code);
    }

    /** EORI numbers, {@code CN}+10 digits, {@code AEOCN}+10 digits and C-TPAT style ids all fit. */
    static boolean isAeoId(String id) {
        return AEO_ID_SHAPE.matcher(id).matches() && isCountry(id.substring(0, 2));
    }

    static boolean isHsCode(String code) {
        return HS_CODE_SHAPE.matcher(code).matches();
    }

    static Optional<AeoStatus> status(String text) {
        for (AeoStatus status : AeoStatus.values()) {
            if (status.name().equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    static Optional<LocalDate> date(String text) {
        return shapedTime(DATE_SHAPE, text, LocalDate::parse);
    }

    /** An instant with any UTC offset; the record holds it normalised to UTC ({@link Instant#toString()}). */
    static Optional<Instant> instant(String text) {
        return shapedTime(INSTANT_SHAPE, text, Instant::parse);
    }

    /** A time of that shape; empty too when it is shaped like one but is none (2019-02-30, month 13). */
    /** A rule as a parser: the text itself when it satisfies {@code rule}, else nothing. */
    static Function<String, Optional<String>> matching(java.util.function.Predicate<String> rule) {
        return text -> rule.test(text) ? Optional.of(text) : Optional.empty();
    }

    /**
     * The value {@code parse} makes of {@code text}; when it makes none, {@code refuse} reports the broken rule where the
     * format locates it, and the value is null. The CSV, JSON and WCO readers refuse a bad value alike through this.
     */
    static <T> T parsedOrRefused(String text, Function<String, Optional<T>> parse, Runnable refuse) {
        Optional<T> value = parse.apply(text);
        if (value.isEmpty()) {
            refuse.run();
            return null;
        }
        return value.get();
    }

    private static <T> Optional<T> shapedTime(Pattern shape, String text, Function<String, T> parse) {
        if (!shape.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * A plain, unsigned decimal string such as {@code 59.80}, at most {@link #MAX_DIGITS} digits on either
     * side of the point; exponents and signs are not allowed in text.
     */
    static Optional<BigDecimal> decimalText(String text) {
        return DECIMAL_TEXT.matcher(text).matches() ? Optional.of(new BigDecimal(text)) : Optional.empty();
    }

    /** Whether the plain form of the value has at most {@link #MAX_DIGITS} digits on either side of the point. */
    static boolean inDecimalRange(BigDecimal value) {
        // In long: for 1e2147483647 (scale -2147483647) the digits before the point overflow an int and look negative.
        return value.scale() <= MAX_DIGITS && (long) value.precision() - value.scale() <= MAX_DIGITS;
    }
}
