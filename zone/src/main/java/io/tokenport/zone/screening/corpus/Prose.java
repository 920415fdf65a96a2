package io.tokenport.zone.screening.corpus;

import java.util.Random;

/**
 * Sentences in several languages with a slot for an item, and the ways people type digits in them: full-width
 * forms in Chinese and Japanese, Arabic-Indic and Persian digits in Arabic. Every template puts a non-word character
 * on both sides of the slot (a space, punctuation or a CJK, kana, Hangul or Arabic letter), as real prose does.
 */
final class Prose {
    /** A template language and its sentences; {@code %s} marks the slot. */
    private record Language(String code, String[] templates) {
    }

    private static final Language[] LANGUAGES = {
        new Language("zh", new String[] {
            "请帮我核对一下这个号码%s是否正确，谢谢。",
            "客户资料：%s，请在周五前录入系统。",
            "他说联系方式是%s，但我不确定。",
            "备注%s（已核实）",
            "把下面这段话翻译成英文：我的号码是 %s 。",
        }),
        new Language("en", new String[] {
            "Please double-check the number %s before you send the invoice.",
            "The customer wrote: %s. Can you summarise the request?",
            "Reference: %s - see the attached note.",
            "Translate into French: \"my number is %s\".",
        }),
        new Language("ja", new String[] {
            "お客様の番号は%sです。確認をお願いします。",
            "連絡先：%s（平日のみ）",
            "この番号%sを英語で説明してください。",
        }),
        new Language("es", new String[] {
            "Mi número es %s, llámame mañana por la tarde.",
            "El código %s aparece en la factura.",
        }),
        new Language("ar", new String[] {
            "رقم الهاتف الخاص بي هو %s شكرا لك.",
            "الرقم:%s، يرجى التحقق منه.",
        }),
        new Language("ko", new String[] {
            "제 번호는 %s입니다. 확인 부탁드립니다.",
        }),
        new Language("fr", new String[] {
            "Le numéro %s figure sur le formulaire.",
        }),
        new Language("de", new String[] {
            "Die Nummer %s steht im Formular.",
        }),
        new Language("ru", new String[] {
            "Номер %s указан в анкете.",
        }),
        new Language("code", new String[] {
            "{\"customer\": {\"note\": \"%s\", \"lang\": \"en\"}}",
            "curl -d 'value=%s&lang=en' https://example.invalid/api",
            "| row | %s | ok |",
        }),
    };

    private static final String[] DISTRACTORS = {
        " 2024-11-28", " 10:30", " ¥128.50", " #42", " 第3次", " 1/2", " v2.3.1", " 3 items",
    };

    private final Random random;

    Prose(Random random) {
        this.random = random;
    }

    /** {@code item} in a random sentence, sometimes with a harmless number after it, digits sometimes folded. */
    String embed(String item) {
        Language language = LANGUAGES[random.nextInt(LANGUAGES.length)];
        String written = item;
        if ((language.code().equals("zh") || language.code().equals("ja")) && random.nextInt(6) == 0) {
            written = fullWidth(item);
        } else if (language.code().equals("ar") && random.nextInt(3) == 0) {
            written = otherDigits(item, random.nextInt(4) == 0 ? '\u06F0' : '\u0660');
        }
        String text = language.templates()[random.nextInt(language.templates().length)].replace("%s", written);
        if (random.nextInt(4) == 0) {
            text += DISTRACTORS[random.nextInt(DISTRACTORS.length)];
        }
        return text;
    }

    /** ASCII letters, digits, +, - and space as a Chinese input method types them. */
    static String fullWidth(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                sb.append('\u3000');
            } else if (c > ' ' && c < 0x7F) {
                sb.append((char) (c - 0x21 + 0xFF01));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String otherDigits(String s, char zero) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= '0' && c <= '9' ? (char) (zero + (c - '0')) : c);
        }
        return sb.toString();
    }
}
