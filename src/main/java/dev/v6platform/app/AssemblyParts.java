package dev.v6platform.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A cloud assembly cut into one part per stack and a common rest, and put together again: what lets a synth take
 * the stacks whose inputs did not change from {@link SynthCache} and synthesize only the others.
 *
 * <p>A stack's part is its artifacts in {@code manifest.json} (the stack and its asset manifest), its node in
 * {@code tree.json}, the validation report's entries about its constructs, its files (template, asset manifest,
 * metadata) and the staged assets its asset manifest names. The common rest is everything else: the manifest's
 * version and other artifacts ({@code Tree}, the feature-flag report), the tree's root, the report's plugins.
 * {@link #compose} writes the parts in the order given, then the rest; every synth composes its assembly this way,
 * whether its parts are fresh or cached, so the output does not depend on which were which.
 *
 * <pre>{@code
 * AssemblyParts.Split split = AssemblyParts.split(assembly, List.of("v6-dev-use1"));
 * AssemblyParts.compose(split.common(), split.stacks(), name -> assembly.resolve(name), out);
 * }</pre>
 */
final class AssemblyParts {
    static final String MANIFEST = "manifest.json";
    static final String TREE = "tree.json";
    static final String REPORT = "validation-report.json";
    static final String VERSION_FILE = "cdk.out";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final List<String> REPORT_LISTS = List.of("violations", "suppressedViolations");
    /** aws-cdk-lib's default validation plugin, which reports one violation per rule across all templates. */
    static final String CFN_VALIDATE = "CloudFormation Validate";
    /** The fields of its violation that come from the rule's first finding. */
    private static final Set<String> RULE_FIELDS = Set.of("description", "fix", "suggestedFix", "ruleMetadata");

    private AssemblyParts() {
    }

    /**
     * One stack's share of an assembly.
     *
     * @param stack     the stack's artifact id (its name)
     * @param artifacts its manifest artifacts, in manifest order
     * @param tree      its node in {@code tree.json}
     * @param report    per validation plugin, per list ({@code violations}, {@code suppressedViolations}), the
     *                  entries about its constructs
     * @param files     the assembly files it owns (template, asset manifest, metadata), sorted
     * @param assets    the staged assets ({@code asset.<hash>...}) its asset manifest names, sorted
     * @param borrowed  the CloudFormation Validate rules (name and severity) its entries are worded for by an earlier
     *                  stack of the synth that built it (see {@link #groupedByRule}); sorted
     */
    record StackPart(String stack, ObjectNode artifacts, JsonNode tree, ObjectNode report, List<String> files,
            List<String> assets, List<String> borrowed) {
        StackPart {
            files = List.copyOf(files);
            assets = List.copyOf(assets);
            borrowed = List.copyOf(borrowed);
        }

        StackPart(String stack, ObjectNode artifacts, JsonNode tree, ObjectNode report, List<String> files,
                List<String> assets) {
            this(stack, artifacts, tree, report, files, assets, List.of());
        }

        /** The CloudFormation Validate rules (name and severity) its entries report. */
        Set<String> validateRules() {
            return rulesOf(report);
        }

        /** The part as one JSON object (for the cache). */
        ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("stack", stack);
            o.set("artifacts", artifacts);
            o.set("tree", tree);
            o.set("report", report);
            ArrayNode f = o.putArray("files");
            files.forEach(f::add);
            ArrayNode a = o.putArray("assets");
            assets.forEach(a::add);
            ArrayNode b = o.putArray("borrowed");
            borrowed.forEach(b::add);
            return o;
        }

        static StackPart fromJson(JsonNode o) {
            List<String> files = new ArrayList<>();
            o.get("files").forEach(n -> files.add(n.textValue()));
            List<String> assets = new ArrayList<>();
            o.get("assets").forEach(n -> assets.add(n.textValue()));
            List<String> borrowed = new ArrayList<>();
            o.get("borrowed").forEach(n -> borrowed.add(n.textValue()));
            return new StackPart(o.get("stack").textValue(), (ObjectNode) o.get("artifacts"), o.get("tree"),
                    (ObjectNode) o.get("report"), files, assets, borrowed);
        }
    }

    /**
     * What is not any stack's: the manifest without the stacks' artifacts, the tree without their nodes, the report
     * without their entries (absent when the synth wrote none), and the assembly's version file.
     */
    record Common(ObjectNode manifest, ObjectNode tree, ObjectNode report, String versionFile) {
        ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.set("manifest", manifest);
            o.set("tree", tree);
            o.set("report", report);
            o.put("versionFile", versionFile);
            return o;
        }

        static Common fromJson(JsonNode o) {
            JsonNode report = o.get("report");
            return new Common((ObjectNode) o.get("manifest"), (ObjectNode) o.get("tree"),
                    report == null || report.isNull() ? null : (ObjectNode) report, o.get("versionFile").textValue());
        }
    }

    /**
     * An assembly cut into parts; {@code others} are entries of the directory no part or the rest accounts for
     * (nested stacks' templates, a tree split into several files, another report): such an assembly is composed as
     * it is, with them, but not kept in the cache.
     */
    record Split(Common common, List<StackPart> stacks, List<String> others) {
        boolean cacheable() {
            return others.isEmpty();
        }
    }

    /** Cuts the assembly in {@code dir} into the parts of {@code stacks} (artifact ids, each present) and the rest. */
    static Split split(Path dir, List<String> stacks) {
        ObjectNode manifest = (ObjectNode) read(dir.resolve(MANIFEST));
        ObjectNode tree = Files.exists(dir.resolve(TREE)) ? (ObjectNode) read(dir.resolve(TREE)) : null;
        ObjectNode report = Files.exists(dir.resolve(REPORT)) ? (ObjectNode) read(dir.resolve(REPORT)) : null;
        ObjectNode artifacts = (ObjectNode) manifest.get("artifacts");
        ObjectNode treeChildren = tree == null ? null : (ObjectNode) tree.path("tree").get("children");
        Set<String> stackSet = new LinkedHashSet<>(stacks);
        Map<String, ObjectNode> ownArtifacts = new LinkedHashMap<>();
        stacks.forEach(s -> ownArtifacts.put(s, JSON.createObjectNode()));
        ObjectNode otherArtifacts = JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> it = artifacts.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> a = it.next();
            String owner = ownerOf(a.getKey(), stackSet);
            (owner == null ? otherArtifacts : ownArtifacts.get(owner)).set(a.getKey(), a.getValue());
        }
        Map<String, ObjectNode> ownReports = new LinkedHashMap<>();
        stacks.forEach(s -> ownReports.put(s, JSON.createObjectNode()));
        ObjectNode commonReport = report == null ? null : report.deepCopy();
        if (report != null) {
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode plugin : commonReport.get("pluginReports")) {
                String name = plugin.path("pluginName").asText();
                ObjectNode header = ((ObjectNode) plugin).deepCopy();
                header.remove(REPORT_LISTS);
                boolean rest = false;
                for (String list : REPORT_LISTS) {
                    if (!plugin.has(list)) {
                        continue;
                    }
                    ArrayNode others = JSON.createArrayNode();
                    for (JsonNode entry : plugin.get(list)) {
                        splitEntry((ObjectNode) entry, stackSet, others, (stack, part) -> listOf(ownReports.get(stack),
                                name, header, list).add(part));
                    }
                    ((ObjectNode) plugin).set(list, others);
                    rest |= !others.isEmpty();
                }
                if (rest) {
                    kept.add(plugin);
                }
            }
            commonReport.set("pluginReports", kept);
        }
        // the CloudFormation Validate plugin words a rule's entries after the first template (stack) with the rule
        Map<String, List<String>> borrowed = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>();
        for (String stack : stacks) {
            Set<String> rules = rulesOf(ownReports.get(stack));
            borrowed.put(stack, rules.stream().filter(seen::contains).toList());
            seen.addAll(rules);
        }
        Set<String> owned = new TreeSet<>(List.of(MANIFEST, TREE, REPORT, VERSION_FILE));
        List<StackPart> parts = new ArrayList<>();
        for (String stack : stacks) {
            ObjectNode own = ownArtifacts.get(stack);
            if (!own.has(stack)) {
                throw new IllegalStateException("the cloud assembly in " + dir + " has no stack " + stack);
            }
            Set<String> files = new TreeSet<>();
            own.forEach(a -> {
                JsonNode props = a.path("properties");
                for (JsonNode n : List.of(props.path("file"), props.path("templateFile"),
                        a.path("additionalMetadataFile"))) {
                    if (n.isTextual()) {
                        files.add(n.textValue());
                    }
                }
            });
            Set<String> assets = new TreeSet<>();
            for (String f : files) {
                if (f.endsWith(".assets.json")) {
                    assets.addAll(assetSources(read(dir.resolve(f))));
                }
            }
            JsonNode node = treeChildren == null ? null : treeChildren.remove(stack);
            parts.add(new StackPart(stack, own, node == null ? JSON.nullNode() : node, ownReports.get(stack),
                    List.copyOf(files), List.copyOf(assets), borrowed.get(stack)));
            owned.addAll(files);
            owned.addAll(assets);
        }
        ObjectNode commonManifest = manifest.deepCopy();
        commonManifest.set("artifacts", otherArtifacts);
        String version;
        try {
            version = Files.exists(dir.resolve(VERSION_FILE)) ? Files.readString(dir.resolve(VERSION_FILE)) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(VERSION_FILE), e);
        }
        List<String> others = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            // assets no part names are the previous assembly's, linked in for reuse; they are not output
            entries.map(p -> p.getFileName().toString()).filter(n -> !owned.contains(n) && !n.startsWith("asset."))
                    .sorted().forEach(others::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return new Split(new Common(commonManifest, tree, commonReport, version), parts, others);
    }

    /** The artifact ids a stack owns: its own and its asset manifest's ({@code <stack>.assets}). */
    private static String ownerOf(String artifact, Set<String> stacks) {
        if (stacks.contains(artifact)) {
            return artifact;
        }
        if (artifact.endsWith(".assets") && stacks.contains(artifact.substring(0, artifact.length() - 7))) {
            return artifact.substring(0, artifact.length() - 7);
        }
        return null;
    }

    /**
     * The list {@code list} of plugin {@code plugin} in a stack's report entries, created when absent with the
     * plugin's header (name, version, conclusion, metadata).
     */
    private static ArrayNode listOf(ObjectNode report, String plugin, ObjectNode header, String list) {
        ObjectNode p = report.get(plugin) instanceof ObjectNode o ? o : report.putObject(plugin);
        if (!p.has("header")) {
            p.set("header", header);
        }
        return p.get(list) instanceof ArrayNode a ? a : p.putArray(list);
    }

    /** The CloudFormation Validate rules (name and severity) of a stack's report entries. */
    private static Set<String> rulesOf(JsonNode report) {
        Set<String> out = new TreeSet<>();
        JsonNode plugin = report.path(CFN_VALIDATE);
        for (String list : REPORT_LISTS) {
            plugin.path(list).forEach(e -> out.add(ruleKey(e)));
        }
        return out;
    }

    /** A violation's rule as the CloudFormation Validate plugin groups them: its name and severity. */
    static String ruleKey(JsonNode entry) {
        return entry.path("ruleName").asText() + "|" + entry.path("severity").asText();
    }

    private interface PartSink {
        void add(String stack, ObjectNode entry);
    }

    /** Gives each stack a copy of {@code entry} with its constructs; constructs of no stack stay in {@code rest}. */
    private static void splitEntry(ObjectNode entry, Set<String> stacks, ArrayNode rest, PartSink sink) {
        JsonNode constructs = entry.get("violatingConstructs");
        if (constructs == null || !constructs.isArray()) {
            rest.add(entry);
            return;
        }
        Map<String, ArrayNode> byStack = new LinkedHashMap<>();
        ArrayNode none = JSON.createArrayNode();
        for (JsonNode c : constructs) {
            String path = c.path("constructPath").asText("");
            String stack = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            if (stacks.contains(stack)) {
                byStack.computeIfAbsent(stack, s -> JSON.createArrayNode()).add(c);
            } else {
                none.add(c);
            }
        }
        byStack.forEach((stack, list) -> {
            ObjectNode copy = entry.deepCopy();
            copy.set("violatingConstructs", list);
            sink.add(stack, copy);
        });
        if (!none.isEmpty() || byStack.isEmpty()) {
            ObjectNode copy = entry.deepCopy();
            copy.set("violatingConstructs", none);
            rest.add(copy);
        }
    }

    /** The staged asset entries ({@code asset.<hash>...}) an asset manifest's file and image sources name. */
    static Set<String> assetSources(JsonNode assetManifest) {
        Set<String> out = new TreeSet<>();
        for (String kind : List.of("files", "dockerImages")) {
            assetManifest.path(kind).forEach(asset -> {
                JsonNode source = asset.path("source");
                for (String key : List.of("path", "directory")) {
                    String p = source.path(key).asText("");
                    String name = p.replaceFirst("^(\\.\\./)+", "");
                    if (name.startsWith("asset.") && !name.contains("/")) {
                        out.add(name);
                    }
                }
            });
        }
        return out;
    }

    /**
     * Writes {@code manifest.json}, {@code tree.json}, the validation report and the version file of an assembly
     * made of {@code parts} (in order) and {@code common} into {@code out}. The parts' files and assets are not
     * copied: the caller puts them there.
     */
    static void compose(Common common, List<StackPart> parts, Path out) {
        compose(common, parts, List.of(), out);
    }

    /**
     * Like {@link #compose(Common, List, Path)}, with the report's plugins in {@code pluginOrder} (the order the app
     * registers them, as aws-cdk-lib lists them), any other after them in the order the parts first name them.
     */
    static void compose(Common common, List<StackPart> parts, List<String> pluginOrder, Path out) {
        ObjectNode manifest = JSON.createObjectNode();
        common.manifest().fields().forEachRemaining(f -> {
            if (f.getKey().equals("artifacts")) {
                ObjectNode artifacts = manifest.putObject("artifacts");
                parts.forEach(p -> artifacts.setAll(p.artifacts()));
                artifacts.setAll((ObjectNode) f.getValue());
            } else {
                manifest.set(f.getKey(), f.getValue());
            }
        });
        write(out.resolve(MANIFEST), JsJson.stringify(manifest, 2));
        if (common.tree() != null) {
            ObjectNode tree = common.tree().deepCopy();
            ObjectNode root = (ObjectNode) tree.get("tree");
            ObjectNode children = JSON.createObjectNode();
            parts.stream().filter(p -> !p.tree().isNull()).forEach(p -> children.set(p.stack(), p.tree()));
            children.setAll((ObjectNode) root.get("children"));
            root.set("children", children);
            write(out.resolve(TREE), JsJson.stringify(tree, 0));
        }
        if (common.report() != null) {
            write(out.resolve(REPORT), JsJson.stringify(report(common.report(), parts, pluginOrder), 2));
        }
        if (common.versionFile() != null) {
            write(out.resolve(VERSION_FILE), common.versionFile());
        }
    }

    /**
     * The validation report of {@code parts} and the common rest: every plugin with an entry, in {@code pluginOrder}
     * (others after, in the order the parts, then the rest, first name them); in each list the entries rule by rule,
     * in the order rules first appear, and for each rule stack by stack, as aws-cdk-lib writes suppressed findings.
     * A plugin without entries is left out, as aws-cdk-lib leaves out a plugin that succeeded without findings.
     */
    static ObjectNode report(ObjectNode commonReport, List<StackPart> parts, List<String> pluginOrder) {
        Map<String, ObjectNode> headers = new LinkedHashMap<>();
        Map<String, List<JsonNode>> sources = new LinkedHashMap<>();
        for (StackPart p : parts) {
            p.report().fields().forEachRemaining(f -> {
                headers.putIfAbsent(f.getKey(), (ObjectNode) f.getValue().get("header"));
                sources.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue());
            });
        }
        for (JsonNode plugin : commonReport.get("pluginReports")) {
            String name = plugin.path("pluginName").asText();
            ObjectNode header = ((ObjectNode) plugin).deepCopy();
            header.remove(REPORT_LISTS);
            headers.putIfAbsent(name, header);
            sources.computeIfAbsent(name, k -> new ArrayList<>()).add(plugin);
        }
        ObjectNode report = commonReport.deepCopy();
        ArrayNode plugins = JSON.createArrayNode();
        List<String> names = new ArrayList<>(headers.keySet());
        names.sort(Comparator.comparingInt(n -> pluginOrder.contains(n) ? pluginOrder.indexOf(n)
                : pluginOrder.size()));
        for (String name : names) {
            ObjectNode header = headers.get(name);
            ObjectNode plugin = JSON.createObjectNode();
            header.fields().forEachRemaining(f -> plugin.set(f.getKey(), f.getValue()));
            for (String list : REPORT_LISTS) {
                Map<String, ArrayNode> byRule = new LinkedHashMap<>();
                for (JsonNode source : sources.get(name)) {
                    source.path(list).forEach(e -> byRule.computeIfAbsent(ruleKey(e), k -> JSON.createArrayNode())
                            .add(e));
                }
                ArrayNode all = JSON.createArrayNode();
                byRule.values().forEach(all::addAll);
                if (list.equals("violations") || !all.isEmpty()) {
                    plugin.set(list, CFN_VALIDATE.equals(name) ? groupedByRule(all) : all);
                }
            }
            if (!plugin.path("violations").isEmpty() || plugin.has("suppressedViolations")) {
                plugins.add(plugin);
            }
        }
        report.set("pluginReports", plugins);
        return report;
    }

    /**
     * The entries as the CloudFormation Validate plugin words them when it validates all templates at once: it
     * keeps one violation per rule and severity, described (message, fix, metadata) as the rule's first finding, in
     * template order; suppression then splits it by the acknowledging construct. So every entry of a rule takes the
     * description of the rule's first entry, and a part reads the same whichever stacks were synthesized with it.
     */
    private static ArrayNode groupedByRule(ArrayNode entries) {
        Map<String, ObjectNode> first = new LinkedHashMap<>();
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode e : entries) {
            if (!(e instanceof ObjectNode entry)) {
                out.add(e);
                continue;
            }
            ObjectNode rule = first.computeIfAbsent(entry.path("ruleName").asText() + "|"
                    + entry.path("severity").asText(), k -> entry);
            ObjectNode copy = JSON.createObjectNode();
            entry.fields().forEachRemaining(f -> copy.set(f.getKey(), RULE_FIELDS.contains(f.getKey())
                    && rule.has(f.getKey()) ? rule.get(f.getKey()) : f.getValue()));
            out.add(copy);
        }
        return out;
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse JSON", e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Whether {@code p} is a regular file or directory (not a link). */
    static boolean isReal(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p);
    }
}
