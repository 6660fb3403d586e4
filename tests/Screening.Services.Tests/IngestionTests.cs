using Google.Rpc;
using Grpc.Core;
using MassTransit.Testing;
using Screening.Contracts;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>Ingestion over gRPC: what is accepted, what is refused and how, and what goes on the bus.</summary>
public sealed class IngestionTests : IDisposable
{
    private readonly EmbeddedFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Accepted_plate_is_announced_fitted_and_ranked()
    {
        var harness = _factory.Services.GetTestHarness();
        var plate = TestPlates.Simulated(compounds: 4, replicates: 1)[0];

        var response = await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline());

        Assert.Equal(plate.PlateId, response.PlateId);
        Assert.True(response.Quality.ZPrime > 0.5, $"Z' {response.Quality.ZPrime}");
        Assert.True(response.Quality.Passed);
        Assert.True(await harness.Published.Any<PlateAccepted>(m => m.Context.Message.PlateId == plate.PlateId));
        Assert.True(await harness.Published.Any<PlateFitted>(m => m.Context.Message.PlateId == plate.PlateId && m.Context.Message.Curves.Count == 4));
        Assert.True(await harness.Published.Any<PlateRanked>(m => m.Context.Message.PlateId == plate.PlateId));
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));

        var status = await _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: Deadline());
        Assert.Equal(PlateStatus.Ranked, status.Status);
        Assert.Equal(4u, status.CurveCount);
    }

    [Fact]
    public async Task Invalid_plate_is_refused_with_field_violations_and_nothing_is_stored()
    {
        var plate = TestPlates.Simulated(compounds: 2, replicates: 1)[0];
        var sample = plate.Wells.Select((w, i) => (w, i)).First(x => x.w.Role == WellRole.Sample);
        sample.w.ConcentrationNm = -3;
        plate.Wells[1].WellId = "Z99";

        var error = await Assert.ThrowsAsync<RpcException>(() => _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(plate.PlateId, error.Status.Detail, StringComparison.Ordinal);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        Assert.Contains(violations, v => v.Field == $"plate.wells[{sample.i}].concentration_nm" && v.Description.Contains(sample.w.WellId, StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "plate.wells[1].well_id");
        var lookup = await Assert.ThrowsAsync<RpcException>(() => _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Same_plate_twice_is_a_duplicate_and_different_content_under_its_id_is_refused()
    {
        var harness = _factory.Services.GetTestHarness();
        var plate = TestPlates.Simulated(compounds: 2, replicates: 1)[0];
        await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline());

        var again = await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate.Clone() }, deadline: Deadline());
        Assert.True(again.Duplicate);

        var changed = plate.Clone();
        changed.Wells[0].Signal += 1;
        var conflict = await Assert.ThrowsAsync<RpcException>(() => _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = changed }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);

        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));
        Assert.Single(harness.Published.Select<PlateAccepted>(m => m.Context.Message.PlateId == plate.PlateId));
    }

    [Fact]
    public async Task Replacing_a_plate_supersedes_its_old_results()
    {
        var harness = _factory.Services.GetTestHarness();
        var plate = TestPlates.Simulated(compounds: 2, replicates: 1)[0];
        await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline());
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));
        var compound = plate.Wells.First(w => w.Role == WellRole.Sample).CompoundId;
        var before = await _factory.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = compound }, deadline: Deadline());

        // The plate corrected: the dilution series was ten times more concentrated than first
        // recorded, so every curve moves one decade to the right.
        var reread = plate.Clone();
        foreach (var well in reread.Wells.Where(w => w.Role == WellRole.Sample))
        {
            well.ConcentrationNm *= 10;
        }

        var response = await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = reread, Replace = true }, deadline: Deadline());
        Assert.Equal(2u, response.Revision);
        Assert.True(await harness.Published.Any<PlateFitted>(m => m.Context.Message.PlateId == plate.PlateId && m.Context.Message.Revision == 2));
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));

        var status = await _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: Deadline());
        Assert.Equal(2u, status.Revision);
        Assert.Equal(PlateStatus.Ranked, status.Status);
        var after = await _factory.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = compound }, deadline: Deadline());
        Assert.Single(after.Curves);
        Assert.Equal(before.Curves[0].Fit.LogIc50 + 1, after.Curves[0].Fit.LogIc50, 6);
    }

    [Fact]
    public async Task Bulk_upload_reports_one_outcome_per_plate_and_a_bad_plate_does_not_stop_the_stream()
    {
        var plates = TestPlates.Simulated(compounds: 2, replicates: 1).Take(3).ToList();
        var bad = plates[1].Clone();
        bad.PlateId = "BAD PLATE!";
        plates.Insert(1, bad);

        var response = await TestPlates.SubmitAllAsync(_factory.Ingestion, plates);

        Assert.Equal(4, response.Outcomes.Count);
        Assert.Equal(3u, response.Accepted);
        Assert.Equal(1u, response.Rejected);
        var rejected = response.Outcomes[1];
        Assert.False(rejected.Accepted);
        Assert.Equal("INVALID_ARGUMENT", rejected.ErrorCode);
        Assert.Contains(rejected.Violations, v => v.Field == "plate.plate_id");
        Assert.All(response.Outcomes.Where(o => o.Index != 1), o => Assert.True(o.Accepted));
    }

    [Fact]
    public async Task Plate_with_poor_controls_is_kept_marked_failed_qc_and_left_out_of_the_ranking()
    {
        var plate = TestPlates.Simulated(compounds: 2, replicates: 1)[0];
        var nsb = plate.Wells.Where(w => w.Role == WellRole.Nsb).ToArray();
        var total = plate.Wells.Where(w => w.Role == WellRole.Total).ToArray();
        var mean = total.Average(w => w.Signal);
        for (var i = 0; i < nsb.Length; i++)
        {
            // Controls that overlap: Z' far below 0.5.
            nsb[i].Signal = mean * (i % 2 == 0 ? 0.3 : 1.0);
        }

        var response = await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline());
        Assert.False(response.Quality.Passed);

        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));
        var status = await _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: Deadline());
        Assert.Equal(PlateStatus.FailedQc, status.Status);
        var assay = plate.Assay;
        Assert.Empty(await TestPlates.RankingAsync(_factory.Selectivity, assay));
        var withFailed = await _factory.Selectivity.GetRankingAsync(new GetRankingRequest { Assay = assay, IncludeFailedQc = true }, deadline: Deadline());
        Assert.Equal(2u, withFailed.TotalCompounds);
    }

    [Fact]
    public async Task FitCurves_fits_caller_supplied_curves()
    {
        var curve = new CurveData { CurveId = "c1" };
        foreach (var x in new[] { -10.0, -9.5, -9, -8.5, -8, -7.5, -7, -6.5, -6 })
        {
            curve.LogMolar.Add(x);
            curve.Response.Add(100 / (1 + Math.Pow(10, x + 8)));
        }

        var response = await _factory.Fitting.FitCurvesAsync(new FitCurvesRequest { Curves = { curve } }, deadline: Deadline());

        var fit = Assert.Single(response.Fits);
        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(-8, fit.LogIc50, 4);
        Assert.Equal(-1, fit.HillSlope, 4);
        Assert.Equal(10, fit.Ic50.ValueNm, 3);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
