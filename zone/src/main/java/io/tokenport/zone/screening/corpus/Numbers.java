package io.tokenport.zone.screening.corpus;

import io.tokenport.zone.screening.BankCardNumber;
import io.tokenport.zone.screening.CreditCode;
import io.tokenport.zone.screening.MobileNumber;
import io.tokenport.zone.screening.PersonalDataKind;
import io.tokenport.zone.screening.ResidentIdNumber;

import java.time.LocalDate;
import java.util.Random;

/**
 * Valid numbers of each kind, and numbers made invalid in exactly one way (check character, birth date, area,
 * Luhn digit, ...), built from the public definitions: the check characters are computed, never copied.
 */
final class Numbers {
    private static final int[] MAINLAND_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
        42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65};
    private static final String[] OUTSIDE_MAINLAND = {"810000", "820000", "830000"};
    private static final int[] NOT_PROVINCES = {0, 10, 16, 17, 18, 19, 20, 24, 25, 26, 27, 28, 29, 30, 38, 39, 40, 47,
        48, 49, 55, 56, 57, 58, 59, 60, 66, 67, 68, 69, 70, 72, 75, 80, 84, 88, 90, 95, 99};
    private static final String ORG_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private final Random random;
    private final LocalDate today;

    Numbers(Random random, LocalDate today) {
        this.random = random;
        this.today = today;
    }

    String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private String twoDigits(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    // Resident identity numbers

    String residentId() {
        String area = random.nextInt(10) == 0 ? OUTSIDE_MAINLAND[random.nextInt(3)] : mainlandArea();
        return withIdCheck(area + birthDate() + digits(3));
    }

    private String mainlandArea() {
        return twoDigits(MAINLAND_PROVINCES[random.nextInt(MAINLAND_PROVINCES.length)])
                + twoDigits(1 + random.nextInt(20)) + twoDigits(1 + random.nextInt(30));
    }

    private String birthDate() {
        long first = LocalDate.of(1920, 1, 1).toEpochDay();
        LocalDate d = LocalDate.ofEpochDay(first + random.nextLong(today.toEpochDay() - first));
        return ymd(d);
    }

    private static String ymd(LocalDate d) {
        return String.format("%04d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
    }

    private static String withIdCheck(String first17) {
        return first17 + ResidentIdNumber.checkCharacter(first17);
    }

    String residentIdBadCheck() {
        String id = residentId();
        char wrong;
        do {
            wrong = "0123456789X".charAt(random.nextInt(11));
        } while (wrong == id.charAt(17));
        return id.substring(0, 17) + wrong;
    }

    String residentIdBadDate() {
        String date = switch (random.nextInt(7)) {
            case 0 -> (1950 + random.nextInt(60)) + "13" + twoDigits(1 + random.nextInt(28));
            case 1 -> (1950 + random.nextInt(60)) + "00" + twoDigits(1 + random.nextInt(28));
            case 2 -> (1950 + random.nextInt(60)) + twoDigits(1 + random.nextInt(12)) + "32";
            case 3 -> (1950 + random.nextInt(60)) + "0230";
            case 4 -> (random.nextBoolean() ? "1900" : "2023") + "0229";
            case 5 -> ymd(today.plusDays(1 + random.nextInt(3650)));
            default -> (1850 + random.nextInt(50)) + twoDigits(1 + random.nextInt(12))
                    + twoDigits(1 + random.nextInt(28));
        };
        return withIdCheck(mainlandArea() + date + digits(3));
    }

    String residentIdBadArea() {
        String area = switch (random.nextInt(3)) {
            case 0 -> twoDigits(NOT_PROVINCES[random.nextInt(NOT_PROVINCES.length)]) + digits(4);
            case 1 -> twoDigits(MAINLAND_PROVINCES[random.nextInt(MAINLAND_PROVINCES.length)]) + "0000";
            default -> "8" + (1 + random.nextInt(3)) + twoDigits(1 + random.nextInt(20)) + "00";
        };
        return withIdCheck(area + birthDate() + digits(3));
    }

    // Unified social credit codes

    String creditCode() {
        while (true) {
            String code = anyCreditCode();
            // An all-digit code that is also a valid identity number counts as the identity number.
            if (!ResidentIdNumber.isValid(code, today)) {
                return code;
            }
        }
    }

    private String anyCreditCode() {
        String authorityAndType = switch (random.nextInt(6)) {
            case 0 -> "11";
            case 1 -> "12";
            case 2 -> "51";
            case 3 -> "52";
            case 4 -> "92";
            default -> "91";
        };
        String area = random.nextInt(20) == 0 ? "100000" : mainlandArea();
        StringBuilder body = new StringBuilder(authorityAndType).append(area);
        for (int i = 0; i < 8; i++) {
            body.append(ORG_BODY.charAt(random.nextInt(ORG_BODY.length())));
        }
        body.append(CreditCode.organisationCheckCharacter(body + "00"));
        return body.toString() + CreditCode.checkCharacter(body);
    }

    String creditCodeBadCheck() {
        String code = creditCode();
        char wrong;
        do {
            wrong = CreditCode.ALPHABET.charAt(random.nextInt(31));
        } while (wrong == code.charAt(17));
        return code.substring(0, 17) + wrong;
    }

    /** The final check holds, the organisation code's own check character does not. */
    String creditCodeBadOrganisationCheck() {
        String code = creditCode();
        char wrong;
        do {
            wrong = "0123456789X".charAt(random.nextInt(11));
        } while (wrong == code.charAt(16));
        String first17 = code.substring(0, 16) + wrong;
        return first17 + CreditCode.checkCharacter(first17);
    }

    // Mobile numbers

    String mobile() {
        return "1" + (3 + random.nextInt(7)) + digits(9);
    }

    String mobileBadPrefix() {
        return "1" + random.nextInt(3) + digits(9);
    }

    // Bank cards

    String card() {
        while (true) {
            int length = 16 + random.nextInt(4);
            String prefix = random.nextInt(8) == 0 ? "81" : "62";
            String payload = prefix + digits(length - 3);
            String card = payload + BankCardNumber.luhnCheckDigit(payload);
            // An 18-digit card that is also a valid identity number or credit code counts as those instead.
            if (!ResidentIdNumber.isValid(card, today) && !CreditCode.isValid(card)) {
                return card;
            }
        }
    }

    String cardBadLuhn() {
        String card = card();
        char last = card.charAt(card.length() - 1);
        char wrong = (char) ('0' + (last - '0' + 1 + random.nextInt(9)) % 10);
        return card.substring(0, card.length() - 1) + wrong;
    }

    /** A Luhn-valid Visa or Mastercard number: not known to be domestic. */
    String foreignSchemeCard() {
        String prefix = switch (random.nextInt(3)) {
            case 0 -> "4";
            case 1 -> "5" + (1 + random.nextInt(5));
            default -> "2" + (221 + random.nextInt(500));
        };
        String payload = prefix + digits(15 - prefix.length());
        return payload + BankCardNumber.luhnCheckDigit(payload);
    }

    // Lookalikes

    String isbn13() {
        String payload = (random.nextBoolean() ? "978" : "979") + digits(9);
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (payload.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return payload + (10 - sum % 10) % 10;
    }

    /**
     * Whether {@code s}, as one word, is an accepted form of a kind other than {@code defective} (the kind whose
     * defect the lookalike was built with, null for none); lookalikes that are get drawn again. The defective
     * kind is not asked: its invalidity comes from construction, so a validator that wrongly accepted it would be
     * caught by the corpus instead of silently steering the generator.
     */
    boolean acceptedAlone(String s, PersonalDataKind defective) {
        return (defective != PersonalDataKind.RESIDENT_ID && ResidentIdNumber.isValid(s, today))
                || (defective != PersonalDataKind.CREDIT_CODE && CreditCode.isValid(s))
                || (defective != PersonalDataKind.BANK_CARD && BankCardNumber.isValid(s))
                || (defective != PersonalDataKind.MOBILE && (MobileNumber.isValid(s)
                        || (s.length() == 13 && s.startsWith("86") && MobileNumber.isValid(s.substring(2)))
                        || (s.length() == 15 && s.startsWith("0086") && MobileNumber.isValid(s.substring(4)))));
    }
}
