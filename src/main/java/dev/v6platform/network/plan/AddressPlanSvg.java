package dev.v6platform.network.plan;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.AwsRegions;
import dev.v6platform.config.SubnetTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The address plan as a picture ({@code dist/address-plan.svg}).
 *
 * <p>Top: each supernet as a square map along a Hilbert curve, the layout of the classic IPv4 maps: consecutive
 * addresses stay neighbours and every aligned block whose size is a power of four is a square, so a /12 pool, a
 * /20 VPC or a reserved /13 each show as one compact shape. Reserved ranges are hatched, ranges in use elsewhere
 * dark grey, region pools tinted in their region's colour, VPC blocks solid, free space white.
 *
 * <pre>
 *   Hilbert order of 16 cells (each cell a /24 on a /8 map):     0  1 14 15
 *   cells 0-3 form a square, so do 4-7 ...                        3  2 13 12
 *                                                                 4  7  8 11
 *                                                                 5  6  9 10
 * </pre>
 *
 * <p>Below: one bar per VPC, its blocks side by side in proportion to their size, each subnet coloured by tier
 * and labelled with its zone and CIDR. Pure Java; deterministic.
 */
public final class AddressPlanSvg {
    static final String[] REGION_COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};
    static final Map<SubnetTier, String> TIER_COLOURS = Map.of(SubnetTier.PUBLIC, "#66bb6a",
            SubnetTier.NODES, "#42a5f5", SubnetTier.INTRA, "#ab47bc");
    private static final int MAP = 512;
    private static final int MARGIN = 24;
    private static final int WIDTH = 1200;
    private static final int BAR = 34;

    private AddressPlanSvg() {
    }

    /**
     * A region's colour, from its name alone, so it stays the same when other regions come or go: the regions this
     * release knows get hues spread by the golden angle in their sorted order (neighbours in the list look
     * different), a region it does not know a hue from its name's hash.
     */
    static String colour(String region) {
        List<String> known = new ArrayList<>(new TreeSet<>(AwsRegions.KNOWN));
        int index = known.indexOf(region);
        double hue = index >= 0 ? (index * 137.508) % 360 : Math.floorMod(region.hashCode(), 360);
        double lightness = index >= 0 && index % 2 == 1 ? 0.32 : 0.40;
        return hsl(hue, 0.68, lightness);
    }

    /** An HSL colour as #rrggbb. */
    static String hsl(double hue, double saturation, double lightness) {
        double c = (1 - Math.abs(2 * lightness - 1)) * saturation;
        double x = c * (1 - Math.abs((hue / 60) % 2 - 1));
        double m = lightness - c / 2;
        double[] rgb = hue < 60 ? new double[] {c, x, 0} : hue < 120 ? new double[] {x, c, 0}
                : hue < 180 ? new double[] {0, c, x} : hue < 240 ? new double[] {0, x, c}
                : hue < 300 ? new double[] {x, 0, c} : new double[] {c, 0, x};
        return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round((rgb[0] + m) * 255),
                Math.round((rgb[1] + m) * 255), Math.round((rgb[2] + m) * 255));
    }

    public static String render(AddressPlan plan) {
        Map<String, String> colours = new TreeMap<>();
        List<String> regions = new ArrayList<>(plan.lock().regionPools().keySet());
        plan.lock().vpcs().values().forEach(v -> {
            if (!regions.contains(v.region())) {
                regions.add(v.region());
            }
        });
        regions.sort(null);
        for (String region : regions) {
            colours.put(region, colour(region));
        }
        StringBuilder body = new StringBuilder();
        int y = MARGIN + 30;
        for (Ipv4Cidr supernet : plan.network().supernets()) {
            y = supernetMap(plan, supernet, colours, body, y) + MARGIN;
        }
        y = zoomMaps(plan, colours, body, y);
        y = vpcBars(plan, colours, body, y);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(y + MARGIN).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(y + MARGIN)
                .append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e0e0e0\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#757575\" stroke-width=\"3\"/></pattern></defs>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n");
        svg.append(text(MARGIN, MARGIN + 8, "Address plan", "font-size=\"20\" font-weight=\"bold\""));
        svg.append(body);
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Draws a supernet's Hilbert map and its legend; returns the y below them. */
    private static int supernetMap(AddressPlan plan, Ipv4Cidr supernet, Map<String, String> colours,
            StringBuilder out, int top) {
        int cellPrefix = Math.min(32, supernet.prefix() + 16);
        if ((cellPrefix - supernet.prefix()) % 2 != 0) {
            cellPrefix--;
        }
        int side = 1 << ((cellPrefix - supernet.prefix()) / 2);
        double cell = (double) MAP / side;
        out.append(text(MARGIN, top - 6, "Supernet " + supernet + " (one cell = a /" + cellPrefix + ")",
                "font-size=\"14\" font-weight=\"bold\""));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\" "
                + "stroke=\"#424242\"/>\n", MARGIN, top, MAP, MAP));
        MapContext ctx = new MapContext(supernet, cellPrefix, side, cell, MARGIN, top);
        for (Map.Entry<String, Ipv4Cidr> pool : plan.lock().regionPools().entrySet()) {
            blocks(ctx, pool.getValue(), "fill=\"" + colours.get(pool.getKey()) + "\" fill-opacity=\"0.18\"", out);
        }
        for (VpcAllocation v : plan.lock().vpcs().values()) {
            boolean orphan = !plan.environments().containsKey(v.environment());
            for (Ipv4Cidr b : v.blocks()) {
                blocks(ctx, b, orphan ? "fill=\"#bdbdbd\" stroke=\"#424242\" stroke-dasharray=\"2,2\""
                        : "fill=\"" + colours.get(v.region()) + "\" fill-opacity=\"0.9\"", out);
            }
        }
        for (AddressRange r : plan.network().inUse()) {
            blocks(ctx, r.cidr(), "fill=\"#616161\"", out);
        }
        for (AddressRange r : plan.network().reserved()) {
            blocks(ctx, r.cidr(), "fill=\"url(#hatch)\"", out);
        }
        for (Map.Entry<String, Ipv4Cidr> pool : plan.lock().regionPools().entrySet()) {
            double[] box = box(ctx, pool.getValue());
            if (box != null) {
                out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", box[0], box[1], box[2], box[3],
                        colours.get(pool.getKey())));
                String style = "font-size=\"11\" fill=\"" + colours.get(pool.getKey()) + "\" font-weight=\"bold\"";
                out.append(text(box[0] + 4, box[1] + 14, pool.getKey(), style));
                out.append(text(box[0] + 4, box[1] + 27, pool.getValue().toString(), style));
            }
        }
        int lx = MARGIN + MAP + 30;
        int ly = top + 10;
        out.append(text(lx, ly, "Legend", "font-weight=\"bold\""));
        ly += 20;
        ly = legend(out, lx, ly, "fill=\"url(#hatch)\"", "reserved: never allocated");
        ly = legend(out, lx, ly, "fill=\"#616161\"", "in use by systems outside the platform");
        ly = legend(out, lx, ly, "fill=\"#ffffff\" stroke=\"#424242\"", "free");
        for (String region : colours.keySet()) {
            ly = legend(out, lx, ly, "fill=\"" + colours.get(region) + "\" fill-opacity=\"0.18\"",
                    region + " pool " + plan.lock().regionPools().getOrDefault(region, supernet));
            ly = legend(out, lx, ly, "fill=\"" + colours.get(region) + "\"", region + " VPC blocks");
        }
        if (!plan.orphans().isEmpty()) {
            ly = legend(out, lx, ly, "fill=\"#bdbdbd\" stroke=\"#424242\" stroke-dasharray=\"2,2\"",
                    "kept for removed environments: " + String.join(", ", plan.orphans()));
        }
        ly += 10;
        out.append(text(lx, ly, "Reserved and in use", "font-weight=\"bold\""));
        ly += 18;
        List<AddressRange> ranges = new ArrayList<>(plan.network().reserved());
        ranges.addAll(plan.network().inUse());
        ranges.sort((a, b) -> a.cidr().compareTo(b.cidr()));
        for (AddressRange r : ranges) {
            if (r.cidr().overlaps(supernet)) {
                out.append(text(lx, ly, r.cidr() + "  " + r.note(), "font-size=\"11\""));
                ly += 16;
            }
        }
        ly += 10;
        out.append(text(lx, ly, "VPCs", "font-weight=\"bold\""));
        ly += 18;
        for (VpcAllocation v : plan.lock().vpcs().values()) {
            if (v.blocks().stream().anyMatch(supernet::contains)) {
                out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                        + "fill=\"%s\"/>\n", lx, ly - 9, colours.get(v.region())));
                out.append(text(lx + 16, ly, v.environment() + "  " + String.join(", ", v.blocks().stream()
                        .map(Ipv4Cidr::toString).toList()) + "  (account " + v.account() + ")", "font-size=\"11\""));
                ly += 16;
            }
        }
        return Math.max(top + MAP, ly) + 10;
    }

    /**
     * One zoomed map per region (pool, or supernet for regions without one): the smallest aligned block holding
     * all of the region's VPC blocks, with each block's subnets in their tier's colour.
     */
    private static int zoomMaps(AddressPlan plan, Map<String, String> colours, StringBuilder out, int top) {
        Map<String, List<VpcAllocation>> byRegion = new TreeMap<>();
        plan.lock().vpcs().values().forEach(v -> byRegion.computeIfAbsent(v.region(), r -> new ArrayList<>()).add(v));
        if (byRegion.isEmpty()) {
            return top;
        }
        out.append(text(MARGIN, top, "Each region's VPCs, zoomed (subnets coloured by tier as in the bars below)",
                "font-size=\"14\" font-weight=\"bold\""));
        int size = 360;
        int gap = (WIDTH - 2 * MARGIN - 3 * size) / 2;
        int column = 0;
        int y = top + 30;
        for (Map.Entry<String, List<VpcAllocation>> region : byRegion.entrySet()) {
            List<Ipv4Cidr> blocks = new ArrayList<>();
            region.getValue().forEach(v -> blocks.addAll(v.blocks()));
            Ipv4Cidr area = enclosing(blocks);
            int cellPrefix = Math.min(32, area.prefix() + 16);
            if ((cellPrefix - area.prefix()) % 2 != 0) {
                cellPrefix--;
            }
            int side = 1 << ((cellPrefix - area.prefix()) / 2);
            int x = MARGIN + column * (size + gap);
            MapContext ctx = new MapContext(area, cellPrefix, side, (double) size / side, x, y);
            String colour = colours.get(region.getKey());
            out.append(text(x, y - 8, region.getKey() + ": " + area + " (one cell = a /" + cellPrefix + ")",
                    "font-weight=\"bold\" fill=\"" + colour + "\""));
            out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                    + "fill=\"#ffffff\" stroke=\"#424242\"/>\n", x, y, size, size));
            for (AddressRange r : plan.network().inUse()) {
                blocks(ctx, r.cidr(), "fill=\"#616161\"", out);
            }
            for (AddressRange r : plan.network().reserved()) {
                blocks(ctx, r.cidr(), "fill=\"url(#hatch)\"", out);
            }
            for (VpcAllocation v : region.getValue()) {
                boolean orphan = !plan.environments().containsKey(v.environment());
                for (Ipv4Cidr b : v.blocks()) {
                    blocks(ctx, b, "fill=\"" + (orphan ? "#bdbdbd" : colour) + "\" fill-opacity=\"0.25\" stroke=\""
                            + colour + "\"", out);
                }
                for (SubnetAllocation sub : v.subnets()) {
                    blocks(ctx, sub.cidr(), "fill=\"" + TIER_COLOURS.get(sub.tier()) + "\" stroke=\"#ffffff\" "
                            + "stroke-width=\"0.5\"", out);
                }
                for (SubnetAllocation sub : v.subnets()) {
                    double[] cell = box(ctx, sub.cidr());
                    String label = sub.tier().label() + " " + sub.zone().substring(sub.zone().length() - 1);
                    if (cell != null && cell[2] >= label.length() * 4.6 + 4 && cell[3] >= 10) {
                        out.append(text(cell[0] + 2, cell[1] + Math.min(cell[3] - 2, 9), label,
                                "font-size=\"8\" fill=\"#ffffff\""));
                    }
                }
                for (Ipv4Cidr b : v.blocks()) {
                    double[] outline = box(ctx, b);
                    if (outline != null) {
                        out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                                + "height=\"%.1f\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", outline[0],
                                outline[1], outline[2], outline[3], orphan ? "#424242" : colour));
                    }
                }
                double[] box = box(ctx, v.primary());
                if (box != null && box[2] >= 40) {
                    String name = v.environment() + (orphan ? " (removed)" : "");
                    out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"15\" "
                            + "fill=\"#ffffff\" fill-opacity=\"0.85\"/>\n", box[0] + 1, box[1] + 1, name.length() * 7.0
                            + 4));
                    out.append(text(box[0] + 3, box[1] + 13, name,
                            "font-size=\"11\" font-weight=\"bold\" fill=\"#212121\""));
                }
            }
            column++;
            if (column == 3) {
                column = 0;
                y += size + 50;
            }
        }
        return (column == 0 ? y : y + size + 50) - 10;
    }

    /** The smallest aligned block that holds every block given. */
    static Ipv4Cidr enclosing(List<Ipv4Cidr> blocks) {
        long lo = blocks.stream().mapToLong(Ipv4Cidr::start).min().orElseThrow();
        long hi = blocks.stream().mapToLong(Ipv4Cidr::end).max().orElseThrow();
        int prefix = blocks.stream().mapToInt(Ipv4Cidr::prefix).min().orElseThrow();
        while (prefix > 0) {
            long mask = ~(Ipv4Cidr.blockSize(prefix) - 1) & 0xFFFF_FFFFL;
            if ((lo & mask) + Ipv4Cidr.blockSize(prefix) >= hi) {
                return Ipv4Cidr.of(lo & mask, prefix);
            }
            prefix--;
        }
        return Ipv4Cidr.of(0, 0);
    }

    private record MapContext(Ipv4Cidr supernet, int cellPrefix, int side, double cell, int x, int y) {
    }

    /** Draws the part of {@code block} inside the map's supernet as Hilbert squares. */
    private static void blocks(MapContext ctx, Ipv4Cidr block, String style, StringBuilder out) {
        if (!block.overlaps(ctx.supernet())) {
            return;
        }
        long from = Math.max(block.start(), ctx.supernet().start());
        long to = Math.min(block.end(), ctx.supernet().end());
        for (Ipv4Cidr part : FreeSpace.blocksOf(from, to)) {
            square(ctx, part, style, out);
        }
    }

    private static void square(MapContext ctx, Ipv4Cidr part, String style, StringBuilder out) {
        double[] box = box(ctx, part);
        out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s/>\n",
                box[0], box[1], box[2], box[3], style));
    }

    /**
     * The box of a block on the map: a square when its cell count is a power of four, two adjacent squares (a
     * rectangle) otherwise. A block smaller than a cell takes its cell.
     */
    private static double[] box(MapContext ctx, Ipv4Cidr block) {
        if (!ctx.supernet().contains(block)) {
            return null;
        }
        if (block.prefix() > ctx.cellPrefix()) {
            block = Ipv4Cidr.of(block.start() & ~(Ipv4Cidr.blockSize(ctx.cellPrefix()) - 1), ctx.cellPrefix());
        }
        int log2Cells = ctx.cellPrefix() - block.prefix();
        if (log2Cells % 2 != 0) {
            double[] a = box(ctx, block.lowerHalf());
            double[] b = box(ctx, block.upperHalf());
            double x = Math.min(a[0], b[0]);
            double y = Math.min(a[1], b[1]);
            return new double[] {x, y, Math.max(a[0] + a[2], b[0] + b[2]) - x, Math.max(a[1] + a[3], b[1] + b[3]) - y};
        }
        int side = 1 << (log2Cells / 2);
        long first = (block.start() - ctx.supernet().start()) / Ipv4Cidr.blockSize(ctx.cellPrefix());
        int[] xy = hilbert(ctx.side(), first);
        return new double[] {ctx.x() + (xy[0] / side * side) * ctx.cell(), ctx.y() + (xy[1] / side * side) * ctx.cell(),
            side * ctx.cell(), side * ctx.cell()};
    }

    /** Position of cell {@code d} on a Hilbert curve filling a {@code n x n} square (n a power of two). */
    static int[] hilbert(int n, long d) {
        int x = 0;
        int y = 0;
        long t = d;
        for (int s = 1; s < n; s *= 2) {
            int rx = (int) (1 & (t / 2));
            int ry = (int) (1 & (t ^ rx));
            if (ry == 0) {
                if (rx == 1) {
                    x = s - 1 - x;
                    y = s - 1 - y;
                }
                int tmp = x;
                x = y;
                y = tmp;
            }
            x += s * rx;
            y += s * ry;
            t /= 4;
        }
        return new int[] {x, y};
    }

    private static int vpcBars(AddressPlan plan, Map<String, String> colours, StringBuilder out, int top) {
        int y = top;
        out.append(text(MARGIN, y, "VPCs and their subnets (blocks side by side, widths in proportion to addresses)",
                "font-size=\"14\" font-weight=\"bold\""));
        y += 16;
        int lx = MARGIN;
        for (SubnetTier tier : SubnetTier.values()) {
            out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                    lx, y - 10, TIER_COLOURS.get(tier)));
            out.append(text(lx + 16, y, tier.label(), "font-size=\"11\""));
            lx += 90;
        }
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#ffffff\" "
                + "stroke=\"#9e9e9e\"/>\n", lx, y - 10));
        out.append(text(lx + 16, y, "free", "font-size=\"11\""));
        y += 18;
        int width = WIDTH - 2 * MARGIN;
        for (VpcAllocation v : plan.lock().vpcs().values()) {
            boolean active = plan.environments().containsKey(v.environment());
            long total = v.blocks().stream().mapToLong(Ipv4Cidr::size).sum();
            long used = v.subnets().stream().mapToLong(s -> s.cidr().size()).sum();
            out.append(text(MARGIN, y + 12, v.environment() + (active ? "" : " (removed, space kept)") + "  account "
                    + v.account() + "  " + v.region() + "  " + String.join(" + ", v.blocks().stream()
                    .map(Ipv4Cidr::toString).toList()) + "  " + AddressPlanReport.percent(used, total) + " in subnets",
                    "font-weight=\"bold\" fill=\"" + colours.get(v.region()) + "\""));
            y += 18;
            double x = MARGIN;
            for (Ipv4Cidr block : v.blocks()) {
                double bw = width * (double) block.size() / total;
                out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        + "fill=\"#ffffff\" stroke=\"#616161\"/>\n", x, y, bw, BAR));
                for (SubnetAllocation s : v.subnets()) {
                    if (!block.contains(s.cidr())) {
                        continue;
                    }
                    double sx = x + bw * (s.cidr().start() - block.start()) / block.size();
                    double sw = bw * s.cidr().size() / block.size();
                    out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                            + "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\"><title>%s %s %s (IPv6 /64 #%d)"
                            + "</title></rect>\n", sx, y, sw, BAR, TIER_COLOURS.get(s.tier()), s.tier().label(),
                            s.zone(), s.cidr(), s.ipv6Index()));
                    String zone = s.zone().substring(s.zone().length() - 1);
                    if (sw > 70) {
                        out.append(text(sx + 3, y + 14, s.tier().label() + " " + zone, "font-size=\"10\" "
                                + "fill=\"#ffffff\""));
                        out.append(text(sx + 3, y + 27, s.cidr().toString(), "font-size=\"10\" fill=\"#ffffff\""));
                    } else if (sw > 14) {
                        out.append(text(sx + 2, y + 21, zone, "font-size=\"10\" fill=\"#ffffff\""));
                    }
                }
                x += bw;
            }
            y += BAR + 22;
        }
        return y;
    }

    private static int legend(StringBuilder out, int x, int y, String style, String label) {
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" %s/>\n", x, y - 11,
                style));
        out.append(text(x + 20, y, label, "font-size=\"11\""));
        return y + 20;
    }

    private static String text(double x, double y, String content, String attributes) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, attributes,
                escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
