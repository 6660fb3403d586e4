using System.Globalization;
using Screening.Protos.V1;

namespace Screening.Plots;

/// <summary>
/// The raw signal of a plate in its layout (rows A.., columns 1..), a perceptually even colour
/// scale from the lowest to the highest read, total and NSB control wells outlined, Z' in the title.
/// </summary>
public static class PlateHeatMap
{
    private const double Left = 40;
    private const double Top = 58;

    // Viridis at nine stops (matplotlib's colormap, CC0).
    private static readonly (double R, double G, double B)[] Viridis =
    [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ];

    public static string Render(GetPlateResponse plate)
    {
        ArgumentNullException.ThrowIfNull(plate);
        var positions = plate.Wells.Select(w => (Well: w, Position: Parse(w.WellId))).Where(p => p.Position is not null).ToArray();
        var (rows, columns) = Layout(plate.PlateFormat, positions.Select(p => p.Position!.Value));
        var cell = Math.Clamp(760.0 / columns, 11, 34);
        var width = Left + (columns * cell) + 110;
        var height = Top + (rows * cell) + 40;
        var svg = new Svg(width, height, "plate-heat-map");

        var q = plate.Quality ?? new PlateQuality();
        svg.Text(Left, 22, $"{plate.PlateId} — {PlotFigures.Target(plate.Target)} {PlotFigures.Assay(plate.Assay)} — Z' = {PlotFigures.Fixed(q.ZPrime, 2)} ({(q.Passed ? "passed" : "failed")})",
            "class=\"title\" font-size=\"15\" font-weight=\"600\"");
        svg.Text(Left, 40, $"raw signal; S/B {PlotFigures.Fixed(q.SignalToBackground, 1)}, CV total {PlotFigures.Fixed(q.TotalCvPercent, 1)} %, CV NSB {PlotFigures.Fixed(q.NsbCvPercent, 1)} %; outlined: total (solid), NSB (dashed)",
            "fill=\"#555\" font-size=\"11\"");

        var signals = plate.Wells.Where(w => w.HasSignal && w.Role != WellRole.Empty).Select(w => w.Signal).ToArray();
        var low = signals.Length > 0 ? signals.Min() : 0;
        var high = signals.Length > 0 ? signals.Max() : 1;
        var labelEvery = columns > 24 ? 4 : columns > 12 ? 2 : 1;
        for (var c = 0; c < columns; c++)
        {
            if ((c + 1) % labelEvery == 0 || c == 0)
            {
                svg.Text(Left + (c * cell) + (cell / 2), Top - 5, (c + 1).ToString(CultureInfo.InvariantCulture), "text-anchor=\"middle\" font-size=\"10\"");
            }
        }

        for (var r = 0; r < rows; r++)
        {
            if (rows <= 16 || r % 2 == 0)
            {
                svg.Text(Left - 6, Top + (r * cell) + (cell / 2) + 4, RowName(r), "text-anchor=\"end\" font-size=\"10\"");
            }

            for (var c = 0; c < columns; c++)
            {
                svg.Rect(Left + (c * cell), Top + (r * cell), cell, cell, "#f4f4f4", "stroke=\"#ffffff\" stroke-width=\"0.5\"");
            }
        }

        // Samples first, controls after, so the control outlines are never painted over.
        foreach (var (well, position) in positions.OrderBy(p => p.Well.Role is WellRole.Total or WellRole.Nsb))
        {
            var (r, c) = position!.Value;
            var x = Left + (c * cell);
            var y = Top + (r * cell);
            var role = well.Role switch
            {
                WellRole.Total => "total",
                WellRole.Nsb => "nsb",
                WellRole.Sample => "sample",
                _ => "empty",
            };
            var fill = well.HasSignal && well.Role != WellRole.Empty ? Color((well.Signal - low) / Math.Max(high - low, 1e-12)) : "#f4f4f4";
            var outline = well.Role switch
            {
                WellRole.Total => $" stroke=\"#111\" stroke-width=\"{Svg.N(Math.Max(1.5, cell / 10))}\"",
                WellRole.Nsb => $" stroke=\"#111\" stroke-width=\"{Svg.N(Math.Max(1.5, cell / 10))}\" stroke-dasharray=\"3 2\"",
                _ => string.Empty,
            };
            var inset = well.Role is WellRole.Total or WellRole.Nsb ? 1.0 : 0;
            var detail = well.Role == WellRole.Sample
                ? $"{well.WellId} {well.CompoundId} {(well.HasConcentrationNm ? PlotFigures.Significant(well.ConcentrationNm) + " nM" : string.Empty)}: {PlotFigures.Significant(well.Signal)}"
                : $"{well.WellId} {role}: {PlotFigures.Significant(well.Signal)}";
            svg.Raw($"<rect class=\"well {role}\" data-well=\"{Svg.Escape(well.WellId)}\" x=\"{Svg.N(x + inset)}\" y=\"{Svg.N(y + inset)}\" width=\"{Svg.N(cell - (2 * inset))}\" height=\"{Svg.N(cell - (2 * inset))}\" fill=\"{fill}\"{outline}><title>{Svg.Escape(detail)}</title></rect>");
        }

        // Colour bar.
        var barX = Left + (columns * cell) + 24;
        var barHeight = Math.Min(rows * cell, 240);
        const int Steps = 40;
        for (var i = 0; i < Steps; i++)
        {
            svg.Rect(barX, Top + (barHeight * (Steps - 1 - i) / Steps), 16, (barHeight / Steps) + 0.5, Color((i + 0.5) / Steps));
        }

        svg.Rect(barX, Top, 16, barHeight, "none", "stroke=\"#555\" class=\"color-bar\"");
        svg.Text(barX + 20, Top + 9, PlotFigures.Significant(high), "font-size=\"10\"");
        svg.Text(barX + 20, Top + barHeight, PlotFigures.Significant(low), "font-size=\"10\"");
        svg.Text(barX, Top + barHeight + 16, "signal", "font-size=\"10\"");
        return svg.ToString();
    }

    /// <summary>"A1" → (0, 0), "AF48" → (31, 47); leading zeros allowed; null when unreadable.</summary>
    public static (int Row, int Column)? Parse(string wellId)
    {
        if (string.IsNullOrEmpty(wellId))
        {
            return null;
        }

        var letters = 0;
        while (letters < wellId.Length && char.IsAsciiLetter(wellId[letters]))
        {
            letters++;
        }

        if (letters is 0 or > 2 || !int.TryParse(wellId.AsSpan(letters), NumberStyles.None, CultureInfo.InvariantCulture, out var column) || column < 1)
        {
            return null;
        }

        var row = 0;
        foreach (var ch in wellId[..letters].ToUpperInvariant())
        {
            row = (row * 26) + (ch - 'A' + 1);
        }

        return (row - 1, column - 1);
    }

    private static string RowName(int row) => row < 26 ? ((char)('A' + row)).ToString() : "A" + (char)('A' + row - 26);

    private static (int Rows, int Columns) Layout(uint format, IEnumerable<(int Row, int Column)> positions)
    {
        var list = positions.ToList();
        var maxRow = list.Count > 0 ? list.Max(p => p.Row) + 1 : 8;
        var maxColumn = list.Count > 0 ? list.Max(p => p.Column) + 1 : 12;
        (int, int) standard = format switch
        {
            96 => (8, 12),
            384 => (16, 24),
            1536 => (32, 48),
            _ => maxRow <= 8 && maxColumn <= 12 ? (8, 12) : maxRow <= 16 && maxColumn <= 24 ? (16, 24) : (32, 48),
        };
        return (Math.Max(standard.Item1, maxRow), Math.Max(standard.Item2, maxColumn));
    }

    private static string Color(double t)
    {
        t = Math.Clamp(double.IsFinite(t) ? t : 0, 0, 1) * (Viridis.Length - 1);
        var i = Math.Min((int)t, Viridis.Length - 2);
        var f = t - i;
        var (r0, g0, b0) = Viridis[i];
        var (r1, g1, b1) = Viridis[i + 1];
        return string.Create(CultureInfo.InvariantCulture,
            $"#{(int)Math.Round(r0 + ((r1 - r0) * f)):x2}{(int)Math.Round(g0 + ((g1 - g0) * f)):x2}{(int)Math.Round(b0 + ((b1 - b0) * f)):x2}");
    }
}
