using Grpc.Core;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>Selectivity over gRPC: a compound's evidence, live updates, paging and idempotent storage.</summary>
public sealed class SelectivityTests : IDisposable
{
    private readonly EmbeddedFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task GetCompound_shows_every_curve_and_plate_behind_the_numbers()
    {
        var plates = TestPlates.Simulated(compounds: 16, replicates: 2);
        await TestPlates.SubmitAllAsync(_factory.Ingestion, plates);
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, plates.Select(p => p.PlateId), TimeSpan.FromSeconds(60));

        var compound = await _factory.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = "ESCITALOPRAM" }, deadline: Deadline());

        // 2 targets x 2 assays x 2 replicate plates.
        Assert.Equal(8, compound.Curves.Count);
        Assert.Equal(plates.Count(p => p.Wells.Any(w => w.CompoundId == "ESCITALOPRAM")), compound.Curves.Select(c => c.PlateId).Distinct().Count());
        Assert.All(compound.Curves, c => Assert.True(c.PlateQcPassed));
        Assert.All(compound.Curves, c => Assert.Matches("^(1\\.1|1\\.2|2\\.1|2\\.2|3|4)$", c.Fit.CurveClass));
        Assert.All(compound.Curves, c => Assert.NotEqual(HillModel.Unspecified, c.Fit.HillModel));
        Assert.All(compound.Curves.Where(c => c.Assay == AssayType.Binding), c => Assert.True(c.Ki.ValueNm > 0));
        Assert.Equal([AssayType.Binding, AssayType.Uptake], compound.Summaries.Select(s => s.Assay).Order());
        var binding = compound.Summaries.Single(s => s.Assay == AssayType.Binding);
        Assert.Equal(2u, binding.Sert.Replicates);
        Assert.Equal(Preference.Sert, binding.Preference);
    }

    [Fact]
    public async Task Unknown_compound_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _factory.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = "NOPE" }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Ranking_without_an_assay_type_is_refused()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _factory.Selectivity.GetRankingAsync(new GetRankingRequest(), deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task WatchRanking_streams_an_update_for_each_ranked_plate()
    {
        using var watch = _factory.Selectivity.WatchRanking(new WatchRankingRequest { Assay = AssayType.Binding }, deadline: DateTime.UtcNow.AddSeconds(60));
        var plates = TestPlates.Simulated(compounds: 2, replicates: 1).Where(p => p.Assay == AssayType.Binding).ToArray();
        // Give the server a moment to register the watcher before the plates arrive.
        await Task.Delay(200);
        await TestPlates.SubmitAllAsync(_factory.Ingestion, plates);

        var seen = new HashSet<string>();
        while (seen.Count < plates.Length && await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            var update = watch.ResponseStream.Current;
            Assert.Equal(AssayType.Binding, update.Assay);
            Assert.Equal(2, update.Compounds.Count);
            seen.Add(update.PlateId);
        }

        Assert.Equal(plates.Select(p => p.PlateId).Order(), seen.Order());
    }

    [Fact]
    public async Task Net_selective_first_order_is_the_reverse_of_the_default()
    {
        var plates = TestPlates.Simulated(compounds: 16, replicates: 1);
        await TestPlates.SubmitAllAsync(_factory.Ingestion, plates);
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, plates.Select(p => p.PlateId), TimeSpan.FromSeconds(60));

        var sertFirst = await _factory.Selectivity.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Binding, PageSize = 1000 }, deadline: Deadline());
        var netFirst = await _factory.Selectivity.GetRankingAsync(
            new GetRankingRequest { Assay = AssayType.Binding, PageSize = 1000, Order = RankingOrder.NetSelectiveFirst }, deadline: Deadline());

        var determined = sertFirst.Compounds.Where(c => c.SelectivityQualifier != Qualifier.Unspecified).Select(c => c.CompoundId).ToArray();
        Assert.Equal(determined.Reverse(), netFirst.Compounds.Take(determined.Length).Select(c => c.CompoundId));
        Assert.Equal(16u, sertFirst.TotalCompounds);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
