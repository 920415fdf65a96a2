package io.tokenport.zone.screening.corpus;

import io.tokenport.zone.screening.PersonalDataKind;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A deterministic generator of labelled screening examples: half positives (valid identity numbers, credit codes,
 * mobile numbers and UnionPay cards, written the ways people write them) and half negatives, most of them
 * lookalikes made invalid in exactly one way, or numbers that other contexts produce (ISBNs, order numbers,
 * timestamps, tracking numbers, foreign phone numbers, card numbers of foreign schemes). Each item sits in a
 * sentence of one of ten languages (see {@link Prose}).
 *
 * <p>Labels come from construction, not from the screener: a positive is built valid, a lookalike is built with
 * one defect. Lookalikes are drawn again in the rare case the defect leaves another valid form (see
 * {@link Numbers#acceptedAlone}). The same seed and date give the same examples.
 */
public final class LabelledCorpus {
    /** One way to make an item: its category name, how often it is drawn, and the maker. */
    private record Category(String name, int weight, Function<LabelledCorpus, Item> maker) {
    }

    private record Item(String text, Map<PersonalDataKind, Integer> expected) {
    }

    private static final Map<PersonalDataKind, Integer> NONE = Map.of();
    private static final List<Category> CATEGORIES = List.of(
            // Positives
            new Category("resident-id", 12, c -> c.positive(c.writeId(c.numbers.residentId()),
                    PersonalDataKind.RESIDENT_ID)),
            new Category("credit-code", 9, c -> c.positive(c.numbers.creditCode(), PersonalDataKind.CREDIT_CODE)),
            new Category("mobile", 15, c -> c.positive(c.writeMobile(c.numbers.mobile()), PersonalDataKind.MOBILE)),
            new Category("bank-card", 10, c -> c.positive(c.writeCard(c.numbers.card()), PersonalDataKind.BANK_CARD)),
            new Category("two-mobiles", 4, c -> new Item(c.numbers.mobile()
                    + new String[] {"、", ", ", "/", " 或 "}[c.random.nextInt(4)] + c.numbers.mobile(),
                    Map.of(PersonalDataKind.MOBILE, 2))),
            // Lookalikes of each kind, built invalid in one way
            lookalike("id-bad-check", 4, PersonalDataKind.RESIDENT_ID, c -> c.numbers.residentIdBadCheck()),
            lookalike("id-bad-birth-date", 4, PersonalDataKind.RESIDENT_ID, c -> c.numbers.residentIdBadDate()),
            lookalike("id-bad-area", 4, PersonalDataKind.RESIDENT_ID, c -> c.numbers.residentIdBadArea()),
            lookalike("credit-code-bad-check", 3, PersonalDataKind.CREDIT_CODE, c -> c.numbers.creditCodeBadCheck()),
            lookalike("credit-code-bad-organisation-check", 2, PersonalDataKind.CREDIT_CODE,
                    c -> c.numbers.creditCodeBadOrganisationCheck()),
            lookalike("mobile-bad-prefix", 3, PersonalDataKind.MOBILE, c -> c.numbers.mobileBadPrefix()),
            lookalike("card-bad-luhn", 3, PersonalDataKind.BANK_CARD, c -> c.writeCard(c.numbers.cardBadLuhn())),
            lookalike("card-foreign-scheme", 2, PersonalDataKind.BANK_CARD, c -> c.numbers.foreignSchemeCard()),
            // Valid numbers in places where they are not one
            lookalike("id-in-longer-digit-run", 3, null, c -> c.longerRun(c.numbers.residentId())),
            lookalike("mobile-in-longer-digit-run", 3, null, c -> c.longerRun(c.numbers.mobile())),
            lookalike("mobile-glued-to-letters", 3, null, c -> c.glued(c.numbers.mobile())),
            lookalike("card-as-decimal-fraction", 1, null, c -> "0." + c.numbers.card()),
            // Numbers from other contexts
            lookalike("foreign-phone", 5, null, LabelledCorpus::foreignPhone),
            lookalike("isbn", 3, null, LabelledCorpus::isbn),
            lookalike("order-number", 3, null, LabelledCorpus::orderNumber),
            lookalike("timestamp", 3, null, LabelledCorpus::timestamp),
            lookalike("tracking-number", 3, null, LabelledCorpus::trackingNumber),
            lookalike("random-digits", 3, null, LabelledCorpus::randomDigits),
            lookalike("hex-identifier", 2, null, LabelledCorpus::hexIdentifier));
    private static final int TOTAL_WEIGHT = CATEGORIES.stream().mapToInt(Category::weight).sum();

    private final Random random;
    private final Numbers numbers;
    private final Prose prose;

    /** Examples from {@code seed}; birth dates lie before {@code today} (future ones are lookalikes). */
    public LabelledCorpus(long seed, LocalDate today) {
        this.random = new Random(seed);
        this.numbers = new Numbers(random, today);
        this.prose = new Prose(random);
    }

    /** A negative category; see {@link #negative} for {@code defective}. */
    private static Category lookalike(String name, int weight, PersonalDataKind defective,
            Function<LabelledCorpus, String> maker) {
        return new Category(name, weight, c -> c.negative(() -> maker.apply(c), defective));
    }

    /** The category names, in the order the generator lists them. */
    public static List<String> categories() {
        return CATEGORIES.stream().map(Category::name).toList();
    }

    /** The next {@code n} examples. */
    public List<LabelledExample> next(int n) {
        List<LabelledExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** The next example. */
    public LabelledExample next() {
        int pick = random.nextInt(TOTAL_WEIGHT);
        for (Category category : CATEGORIES) {
            pick -= category.weight();
            if (pick < 0) {
                Item item = category.maker().apply(this);
                return new LabelledExample(prose.embed(item.text()), category.name(), item.expected());
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    private Item positive(String text, PersonalDataKind kind) {
        return new Item(text, Map.of(kind, 1));
    }

    /**
     * A lookalike from {@code maker}, drawn again while it happens to be a valid form of another kind than
     * {@code defective}, the kind it was built invalid for (null for numbers from other contexts).
     */
    private Item negative(Supplier<String> maker, PersonalDataKind defective) {
        while (true) {
            String text = maker.get();
            if (!numbers.acceptedAlone(text, defective)) {
                return new Item(text, NONE);
            }
        }
    }

    // How people write each kind

    private String writeId(String id) {
        return switch (random.nextInt(6)) {
            case 0 -> id.substring(0, 6) + " " + id.substring(6, 14) + " " + id.substring(14);
            case 1 -> id.substring(0, 6) + " " + id.substring(6, 10) + " " + id.substring(10, 14) + " "
                    + id.substring(14);
            case 2 -> id.replace('X', 'x');
            default -> id;
        };
    }

    private String writeMobile(String m) {
        String grouped = m.substring(0, 3) + " " + m.substring(3, 7) + " " + m.substring(7);
        String hyphens = m.substring(0, 3) + "-" + m.substring(3, 7) + "-" + m.substring(7);
        return switch (random.nextInt(12)) {
            case 0 -> grouped;
            case 1 -> hyphens;
            case 2 -> "+86" + m;
            case 3 -> "+86 " + grouped;
            case 4 -> "+86-" + hyphens;
            case 5 -> "0086 " + m;
            case 6 -> "86-" + hyphens;
            case 7 -> "(+86) " + m;
            case 8 -> "+86 " + m;
            case 9 -> grouped.replace(' ', '\u00A0');
            default -> m;
        };
    }

    private String writeCard(String card) {
        if (random.nextBoolean()) {
            return card;
        }
        String separator = random.nextBoolean() ? " " : "-";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < card.length(); i += 4) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(card, i, Math.min(card.length(), i + 4));
        }
        return sb.toString();
    }

    // Lookalikes

    /** {@code number} inside a longer run of digits, as in an order or transaction number. */
    private String longerRun(String number) {
        return numbers.digits(random.nextInt(6)) + number + numbers.digits(1 + random.nextInt(5));
    }

    /** {@code number} glued to Latin letters: a file name, a user name, a hash. */
    private String glued(String number) {
        return switch (random.nextInt(4)) {
            case 0 -> "user" + number;
            case 1 -> "IMG_" + number + ".jpg";
            case 2 -> "a" + number + "f0e9";
            default -> number + "abc";
        };
    }

    private String foreignPhone() {
        String n = switch (random.nextInt(10)) {
            case 0 -> "+65 " + (6 + random.nextInt(4)) + numbers.digits(3) + " " + numbers.digits(4);
            case 1 -> "+1 " + (2 + random.nextInt(8)) + numbers.digits(2) + " " + numbers.digits(3) + " "
                    + numbers.digits(4);
            // +1 then a ten-digit number starting 3-9: eleven digits that begin like a mainland mobile.
            case 2 -> "+1" + (3 + random.nextInt(7)) + numbers.digits(9);
            case 3 -> "+44 20 " + numbers.digits(4) + " " + numbers.digits(4);
            case 4 -> "+447" + numbers.digits(9);
            case 5 -> "+81 90-" + numbers.digits(4) + "-" + numbers.digits(4);
            case 6 -> "090-" + numbers.digits(4) + "-" + numbers.digits(4);
            case 7 -> "+852 " + (5 + random.nextInt(5)) + numbers.digits(3) + " " + numbers.digits(4);
            case 8 -> "+886 9" + numbers.digits(2) + " " + numbers.digits(3) + " " + numbers.digits(3);
            default -> "+61 4" + numbers.digits(2) + " " + numbers.digits(3) + " " + numbers.digits(3);
        };
        return n;
    }

    private String isbn() {
        String isbn = numbers.isbn13();
        return switch (random.nextInt(3)) {
            case 0 -> "ISBN " + isbn;
            case 1 -> "ISBN " + isbn.substring(0, 3) + "-" + isbn.charAt(3) + "-" + isbn.substring(4, 7) + "-"
                    + isbn.substring(7, 12)
                    + "-" + isbn.substring(12);
            default -> "ISBN-13: " + isbn;
        };
    }

    private String orderNumber() {
        // Date-led order numbers (20yy...) of 12 to 30 digits: no length and prefix of an accepted form.
        String s = "20" + (20 + random.nextInt(7)) + String.format("%02d%02d", 1 + random.nextInt(12),
                1 + random.nextInt(28)) + numbers.digits(4 + random.nextInt(19));
        return random.nextBoolean() ? s : "No." + s;
    }

    private String timestamp() {
        return switch (random.nextInt(5)) {
            case 0 -> "17" + numbers.digits(8);
            case 1 -> "17" + numbers.digits(11);
            case 2 -> "2024" + String.format("%02d%02d%02d%02d%02d", 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60));
            case 3 -> "2024-11-28T" + String.format("%02d:%02d:%02d", random.nextInt(24), random.nextInt(60),
                    random.nextInt(60)) + "Z";
            default -> "17" + numbers.digits(14);
        };
    }

    private String trackingNumber() {
        return switch (random.nextInt(6)) {
            case 0 -> "SF" + numbers.digits(13);
            case 1 -> "YT" + numbers.digits(13);
            case 2 -> "JDV" + numbers.digits(12);
            case 3 -> "EA" + numbers.digits(9) + "CN";
            case 4 -> "1Z" + numbers.digits(16);
            default -> "7" + numbers.digits(11);
        };
    }

    private String randomDigits() {
        int[] lengths = {4, 5, 6, 7, 8, 9, 10, 12, 14, 20, 22, 25, 30};
        return numbers.digits(lengths[random.nextInt(lengths.length)]);
    }

    private String hexIdentifier() {
        StringBuilder sb = new StringBuilder();
        int n = random.nextBoolean() ? 32 : 40;
        for (int i = 0; i < n; i++) {
            sb.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return random.nextBoolean() ? sb.toString()
                : sb.substring(0, 8) + "-" + sb.substring(8, 12) + "-" + sb.substring(12, 16) + "-"
                + sb.substring(16, 20) + "-" + sb.substring(20, 32);
    }
}
