using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>The web view's pages and JSON over HTTP, against what the gRPC API says.</summary>
public sealed partial class WebViewTests(RankedPanelFixture panel) : IClassFixture<RankedPanelFixture>
{
    [Fact]
    public async Task Ranking_page_and_its_script_and_style_are_served_by_the_service()
    {
        using var client = panel.Factory.CreateClient();
        var page = await client.GetStringAsync(new Uri("/ranking", UriKind.Relative));
        Assert.Contains("<table id=\"ranking\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Contains("EventSource", await client.GetStringAsync(new Uri("/static/ranking.js", UriKind.Relative)), StringComparison.Ordinal);
        using var css = await client.GetAsync(new Uri("/static/site.css", UriKind.Relative));
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(AssayType.Binding, "binding")]
    [InlineData(AssayType.Uptake, "uptake")]
    public async Task Ranking_json_is_the_same_ranking_as_GetRanking(AssayType assay, string name)
    {
        var expected = await TestPlates.RankingAsync(panel.Factory.Selectivity, assay);
        using var client = panel.Factory.CreateClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/ranking?assay={name}&page_size=1000", UriKind.Relative)));

        var rows = json.RootElement.GetProperty("compounds").EnumerateArray().ToArray();
        Assert.Equal(expected.Count, json.RootElement.GetProperty("totalCompounds").GetInt32());
        Assert.Equal(expected.Select(c => c.CompoundId), rows.Select(r => r.GetProperty("compoundId").GetString()));
        Assert.Equal(expected.Select(c => (int)c.Rank), rows.Select(r => r.GetProperty("rank").GetInt32()));
        Assert.Equal(expected.Select(c => c.SelectivityFold), rows.Select(r => r.GetProperty("selectivityFold").GetDouble()));
        Assert.Equal(expected.Select(c => c.Preference), rows.Select(r => Enum.Parse<Preference>(r.GetProperty("preference").GetString()!["PREFERENCE_".Length..], ignoreCase: true)));
    }

    [Fact]
    public async Task Ranking_json_filters_by_preference_sorts_by_column_and_pages()
    {
        var expected = await TestPlates.RankingAsync(panel.Factory.Selectivity, AssayType.Binding);
        using var client = panel.Factory.CreateClient();

        using var net = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/ranking?assay=binding&preference=net", UriKind.Relative)));
        Assert.Equal(
            expected.Where(c => c.Preference == Preference.Net).Select(c => c.CompoundId),
            net.RootElement.GetProperty("compounds").EnumerateArray().Select(r => r.GetProperty("compoundId").GetString()));

        using var byName = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/ranking?assay=binding&sort=compound&desc=true", UriKind.Relative)));
        Assert.Equal(
            expected.Select(c => c.CompoundId).OrderDescending(StringComparer.Ordinal),
            byName.RootElement.GetProperty("compounds").EnumerateArray().Select(r => r.GetProperty("compoundId").GetString()));

        using var page2 = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/ranking?assay=binding&page_size=5&page=2", UriKind.Relative)));
        Assert.Equal([6, 7, 8, 9, 10], page2.RootElement.GetProperty("compounds").EnumerateArray().Select(r => r.GetProperty("rank").GetInt32()));
        Assert.Equal((expected.Count + 4) / 5, page2.RootElement.GetProperty("pageCount").GetInt32());
    }

    [Fact]
    public async Task Compound_page_shows_the_plot_and_a_row_for_every_curve()
    {
        var compound = await panel.Factory.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = "REBOXETINE" }, deadline: DateTime.UtcNow.AddSeconds(30));
        using var client = panel.Factory.CreateClient();
        var page = await client.GetStringAsync(new Uri("/compounds/REBOXETINE", UriKind.Relative));

        Assert.Contains("class=\"dose-response\"", page, StringComparison.Ordinal);
        Assert.Equal(compound.Curves.Count, CurveRow().Count(page));
        Assert.All(compound.Curves, c => Assert.Contains($"href=\"/plates/{c.PlateId}\"", page, StringComparison.Ordinal));
        using var svg = await client.GetAsync(new Uri("/plots/compound/REBOXETINE.svg", UriKind.Relative));
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        using var missing = await client.GetAsync(new Uri("/compounds/NOPE", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Selectivity_map_is_served_as_svg()
    {
        using var client = panel.Factory.CreateClient();
        var svg = await client.GetStringAsync(new Uri("/plots/selectivity.svg?assay=uptake", UriKind.Relative));
        Assert.Contains("LEVOMILNACIPRAN", svg, StringComparison.Ordinal);
        System.Xml.Linq.XDocument.Parse(svg);
    }

    [Fact]
    public async Task Ranking_events_announce_each_ranked_plate()
    {
        using var client = panel.Factory.CreateClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ranking/events?assay=uptake");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.StartsWith(":", await reader.ReadLineAsync(cts.Token), StringComparison.Ordinal);

        var plate = TestPlates.Simulated(compounds: 2, replicates: 1, seed: 99).First(p => p.Assay == AssayType.Uptake);
        plate.PlateId = "EVENTS-" + plate.PlateId;
        await TestPlates.SubmitAllAsync(panel.Factory.Ingestion, [plate]);

        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("data:", StringComparison.Ordinal))
        {
        }

        Assert.NotNull(line);
        using var update = JsonDocument.Parse(line["data:".Length..]);
        Assert.Equal(plate.PlateId, update.RootElement.GetProperty("plateId").GetString());
    }

    [GeneratedRegex("<tr data-plate=")]
    private static partial Regex CurveRow();
}
