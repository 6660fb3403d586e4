using System.Xml.Linq;
using Screening.Plots;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>The SVG plots, drawn from what the services answer for a simulated reference panel.</summary>
public sealed class PlotTests(RankedPanelFixture panel) : IClassFixture<RankedPanelFixture>
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    [Fact]
    public async Task Compound_plot_has_a_panel_per_assay_and_every_curve_point_and_legend_entry()
    {
        var compound = await panel.Factory.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = "ESCITALOPRAM" }, deadline: Deadline());
        var svg = Parse(DoseResponsePlot.Render(compound));

        Assert.Equal(["binding", "uptake"], Elements(svg, "g", "panel").Select(g => (string?)g.Attribute("data-assay")));
        Assert.Equal(compound.Curves.Count(c => c.Fit.Status is FitStatus.Converged or FitStatus.NotConverged), Elements(svg, "path", "curve").Count());
        Assert.Equal(compound.Curves.Count, Elements(svg, "g", "legend-entry").Count());
        Assert.All(compound.Curves, c => Assert.True(c.Fit.LogMolar.Count >= 8, "the curve carries its normalized points"));
        Assert.Equal(compound.Curves.Sum(c => c.Fit.Masked.Count(m => !m)), Elements(svg, "circle", "point").Count());
        Assert.Equal(compound.Curves.Sum(c => c.Fit.Masked.Count(m => m)), Elements(svg, "path", "point masked").Count());
        Assert.Contains(Elements(svg, "line", "ic50"), l => (string?)l.Attribute("data-target") == "SERT");
        Assert.NotEmpty(Elements(svg, "rect", "ic50-ci"));
        var legend = string.Join('\n', Elements(svg, "g", "legend-entry").Select(g => g.Value));
        Assert.Contains("class ", legend, StringComparison.Ordinal);
        Assert.Contains("> ", legend, StringComparison.Ordinal); // NET never reaches 50 %: a lower bound
    }

    [Fact]
    public void Masked_outliers_are_drawn_as_crosses_not_as_points()
    {
        var fit = new CurveFit
        {
            Status = FitStatus.Converged, Bottom = 0, Top = 100, LogIc50 = -8, HillSlope = -1, CurveClass = "1.1",
            Ic50 = new Concentration { ValueNm = 10, Qualifier = Qualifier.Equal, Ci95LowNm = 7, Ci95HighNm = 14 },
            LogMolar = { -10, -9, -8, -7, -6 },
            Response = { 99, 91, 50, 90, 1 },
            Masked = { false, false, false, true, false },
        };
        var compound = new GetCompoundResponse
        {
            CompoundId = "X",
            Curves = { new CompoundCurve { PlateId = "P1", Target = Target.Sert, Assay = AssayType.Binding, PlateQcPassed = true, Fit = fit } },
        };

        var svg = Parse(DoseResponsePlot.Render(compound));

        Assert.Equal(4, Elements(svg, "circle", "point").Count());
        Assert.Single(Elements(svg, "path", "point masked"));
        Assert.Contains("1 masked", Elements(svg, "g", "legend-entry").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Selectivity_map_has_a_point_per_compound_the_diagonals_and_the_reference_names()
    {
        var ranking = await TestPlates.RankingAsync(panel.Factory.Selectivity, AssayType.Binding);
        var svg = Parse(SelectivityMapPlot.Render(ranking));

        // Flat curves (no potency at either target) cannot be placed; the subtitle says how many.
        var placeable = ranking.Count(c => SelectivityMapPlot.Pki(c.Sert) is not null && SelectivityMapPlot.Pki(c.Net) is not null);
        Assert.InRange(placeable, ranking.Count - 3, ranking.Count);
        Assert.Equal(placeable, svg.Descendants(SvgNs + "circle").Count(c => HasClass(c, "compound")));
        if (placeable < ranking.Count)
        {
            Assert.Contains($"{ranking.Count - placeable} without a potency", Elements(svg, "text", "subtitle").Single().Value, StringComparison.Ordinal);
        }

        Assert.Equal(
            ranking.Where(c => c.Preference == Preference.Sert).Select(c => c.CompoundId).Order(),
            svg.Descendants(SvgNs + "circle").Where(c => HasClass(c, "compound") && (string?)c.Attribute("data-preference") == "SERT").Select(c => (string)c.Attribute("data-compound")!).Order());
        // 1-fold once, 10, 100 and 1000-fold either way.
        Assert.Equal(7, Elements(svg, "g", "diagonal").Count());
        var labels = Elements(svg, "text", "reference-label").Select(t => t.Value).ToHashSet();
        Assert.Superset(new HashSet<string>(["ESCITALOPRAM", "REBOXETINE", "LEVOMILNACIPRAN"]), labels);
        Assert.All(labels, l => Assert.Contains(l, Analysis.Plates.ReferencePanel.Default.Select(c => c.CompoundId)));
    }

    [Fact]
    public async Task Plate_heat_map_draws_every_well_outlines_the_controls_and_titles_with_z_prime()
    {
        var id = panel.Plates[0].PlateId;
        var plate = await panel.Factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = id, IncludeWells = true }, deadline: Deadline());
        var svg = Parse(PlateHeatMap.Render(plate));

        Assert.Equal(panel.Plates[0].Wells.Count(w => w.Role != WellRole.Empty), plate.Wells.Count);
        Assert.Equal(plate.Wells.Count, svg.Descendants(SvgNs + "rect").Count(r => HasClass(r, "well")));
        var controls = svg.Descendants(SvgNs + "rect").Where(r => HasClass(r, "total") || HasClass(r, "nsb")).ToArray();
        Assert.Equal(plate.Wells.Count(w => w.Role is WellRole.Total or WellRole.Nsb), controls.Length);
        Assert.All(controls, r => Assert.NotNull(r.Attribute("stroke")));
        var title = Elements(svg, "text", "title").Single().Value;
        Assert.Contains(id, title, StringComparison.Ordinal);
        Assert.Contains("Z' = " + plate.Quality.ZPrime.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), title, StringComparison.Ordinal);
    }

    private static XDocument Parse(string svg) => XDocument.Parse(svg);

    private static IEnumerable<XElement> Elements(XDocument svg, string name, string cssClass) =>
        svg.Descendants(SvgNs + name).Where(e => (string?)e.Attribute("class") == cssClass);

    private static bool HasClass(XElement e, string cssClass) =>
        ((string?)e.Attribute("class"))?.Split(' ').Contains(cssClass) == true;

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
