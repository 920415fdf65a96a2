package io.tokenport.zone.screening;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's screening rules: a version, patterns and terms, loaded from a JSON file such as
 * <pre>{@code
 * {
 *   "version": "2026-11-28.1",
 *   "patterns": [{"name": "employee-number", "regex": "EMP-[0-9]{6}"}],
 *   "terms": ["Project Nightingale"]
 * }}</pre>
 *
 * <p>{@link #hash()} is the SHA-256 of a canonical form (format tag, built-in detector version, rules version,
 * patterns sorted by name, terms folded, lower-cased, de-duplicated and sorted, every string length-prefixed), so
 * reordering the file or reformatting its JSON keeps the hash, and any change to what is screened changes it. The
 * hash goes into each transfer record: an auditor can tell which rules a request passed.
 *
 * <p>Unknown fields are refused rather than ignored: a misspelt {@code "term"} must not silently screen nothing.
 */
public final class ScreeningRules {
    /**
     * Version of the built-in detectors, part of every hash: bump it when what the built-in detectors accept
     * changes, so transfer records show which detector logic screened them.
     */
    public static final String DETECTORS_VERSION = "tokenport-screening/1";

    private static final String FORMAT = "tokenport-screening-rules/1";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String version;
    private final List<OperatorPattern> patterns;
    private final List<String> terms;
    private final TermMatcher termMatcher;
    private final String hash;

    private ScreeningRules(String version, List<OperatorPattern> patterns, List<String> terms) {
        this.version = version;
        this.patterns = List.copyOf(patterns);
        this.terms = List.copyOf(terms);
        this.termMatcher = TermMatcher.of(this.terms);
        this.hash = canonicalHash(version, this.patterns, this.terms);
    }

    /** No operator rules: only the built-in detectors screen. */
    public static ScreeningRules none() {
        return new ScreeningRules("none", List.of(), List.of());
    }

    /**
     * Rules built in code; the same checks as for a file apply.
     *
     * @throws ScreeningRulesException if the version is blank, a pattern name repeats or a term is blank
     */
    public static ScreeningRules of(String version, List<OperatorPattern> patterns, List<String> terms) {
        if (version == null || version.isBlank()) {
            throw new ScreeningRulesException("screening rules need a non-blank \"version\"");
        }
        Set<String> names = new HashSet<>();
        for (OperatorPattern p : patterns) {
            if (!names.add(p.name())) {
                throw new ScreeningRulesException("pattern name \"" + p.name() + "\" is used twice: names must be "
                        + "unique");
            }
        }
        for (int i = 0; i < terms.size(); i++) {
            if (terms.get(i) == null || terms.get(i).isBlank()) {
                throw new ScreeningRulesException("terms[" + i + "] is blank: a blank term would match every request");
            }
        }
        return new ScreeningRules(version, patterns, terms);
    }

    /**
     * Reads a rules file.
     *
     * @throws ScreeningRulesException if it cannot be read or is not valid rules; the message names the file
     */
    public static ScreeningRules load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ScreeningRulesException("screening rules file " + file + " does not exist");
        } catch (IOException e) {
            throw new ScreeningRulesException("cannot read screening rules file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (ScreeningRulesException e) {
            throw new ScreeningRulesException("screening rules file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses rules from JSON text.
     *
     * @throws ScreeningRulesException if the text is not valid rules; the message names the entry
     */
    public static ScreeningRules parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScreeningRulesException("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        }
        if (!(root instanceof ObjectNode object)) {
            throw new ScreeningRulesException("expected a JSON object with \"version\", \"patterns\" and \"terms\"");
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!Set.of("version", "patterns", "terms").contains(field)) {
                throw new ScreeningRulesException("unknown field \"" + field + "\": expected \"version\", "
                        + "\"patterns\" and \"terms\"");
            }
        }
        JsonNode version = object.get("version");
        if (version == null || !version.isTextual()) {
            throw new ScreeningRulesException("\"version\" is missing or not a string");
        }
        List<OperatorPattern> patterns = new ArrayList<>();
        JsonNode ps = arrayField(object, "patterns");
        for (int i = 0; i < ps.size(); i++) {
            String where = "patterns[" + i + "]";
            JsonNode p = ps.get(i);
            if (!p.isObject()) {
                throw new ScreeningRulesException(where + " is not an object with \"name\" and \"regex\"");
            }
            for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!field.equals("name") && !field.equals("regex")) {
                    throw new ScreeningRulesException(where + ": unknown field \"" + field + "\"");
                }
            }
            patterns.add(OperatorPattern.of(text(p, "name", where), text(p, "regex", where), where));
        }
        List<String> terms = new ArrayList<>();
        JsonNode ts = arrayField(object, "terms");
        for (int i = 0; i < ts.size(); i++) {
            if (!ts.get(i).isTextual()) {
                throw new ScreeningRulesException("terms[" + i + "] is not a string");
            }
            terms.add(ts.get(i).asText());
        }
        return of(version.asText(), patterns, terms);
    }

    private static JsonNode arrayField(ObjectNode object, String name) {
        JsonNode node = object.get(name);
        if (node == null) {
            return JSON.createArrayNode();
        }
        if (!node.isArray()) {
            throw new ScreeningRulesException("\"" + name + "\" is not an array");
        }
        return node;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new ScreeningRulesException(where + "." + field + " is missing or not a string");
        }
        return v.asText();
    }

    /** The operator's version label for these rules. */
    public String version() {
        return version;
    }

    /** The operator's patterns, in file order. */
    public List<OperatorPattern> patterns() {
        return patterns;
    }

    /** The operator's terms, as written. */
    public List<String> terms() {
        return terms;
    }

    /** Lower-case hex SHA-256 of the canonical form: the {@code rulesHash} of transfer records. */
    public String hash() {
        return hash;
    }

    TermMatcher termMatcher() {
        return termMatcher;
    }

    private static String canonicalHash(String version, List<OperatorPattern> patterns, List<String> terms) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(FORMAT).append('\n');
        field(canonical, "detectors", DETECTORS_VERSION);
        field(canonical, "version", version);
        List<OperatorPattern> byName = new ArrayList<>(patterns);
        byName.sort(Comparator.comparing(OperatorPattern::name));
        for (OperatorPattern p : byName) {
            field(canonical, "pattern", p.name());
            field(canonical, "regex", p.regex());
        }
        TreeSet<String> normalised = new TreeSet<>();
        for (String t : terms) {
            StringBuilder sb = new StringBuilder(t.length());
            for (int i = 0; i < t.length(); i++) {
                sb.append(TermMatcher.normalise(t.charAt(i)));
            }
            normalised.add(sb.toString());
        }
        for (String t : normalised) {
            field(canonical, "term", t);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }

    /** {@code name length:value}, the length in UTF-16 units, so no value can imitate the next field. */
    private static void field(StringBuilder sb, String name, String value) {
        sb.append(name).append(' ').append(value.length()).append(':').append(value).append('\n');
    }

    @Override
    public String toString() {
        return "ScreeningRules[version=" + version + ", " + patterns.size() + " patterns, " + terms.size()
                + " terms, hash=" + hash + "]";
    }
}
