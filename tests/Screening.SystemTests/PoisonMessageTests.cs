using Grpc.Net.Client;
using Screening.Protos.V1;
using Screening.Services.Tests;

namespace Screening.SystemTests;

/// <summary>
/// A plate that makes fitting throw goes to the error queue after the bounded retries and
/// shows FAILED; the other plates are not held up; after the fix an operator replays it and
/// it is ranked, exactly once.
/// </summary>
public sealed class PoisonMessageTests
{
    [SystemFact]
    public async Task A_poison_plate_goes_to_the_error_queue_shows_failed_and_is_ranked_after_a_fix_and_a_replay()
    {
        var plates = TestPlates.Panel(compounds: 32, replicates: 1, seed: 31).ToList();
        var poison = plates[0].Clone();
        poison.PlateId = "POISON-" + poison.PlateId;
        plates.Add(poison);

        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1, settings: new Dictionary<string, string> { ["Fitting__FailPlatesMatching"] = "^POISON-" });
        await TestPlates.SubmitAllAsync(cluster.IngestionClient, plates);
        await TestPlates.WaitUntilRankedAsync(cluster.IngestionClient, plates.Select(p => p.PlateId), TimeSpan.FromMinutes(3));

        var failed = await cluster.IngestionClient.GetPlateAsync(new GetPlateRequest { PlateId = poison.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal(PlateStatus.Failed, failed.Status);
        Assert.Contains("injected", failed.StatusDetail, StringComparison.Ordinal);
        Assert.All(plates.Where(p => p != poison), p => Assert.Equal(PlateStatus.Ranked,
            cluster.IngestionClient.GetPlate(new GetPlateRequest { PlateId = p.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10)).Status));
        Assert.Equal(1, await Infrastructure.QueueDepthAsync(cluster.VirtualHost, "plate-accepted_error"));

        // The fix: a fitting process without the fault.
        var fixedFitting = new ServiceProcess("Screening.Fitting", "fitting-fixed", cluster.Settings(("Fitting__FailPlatesMatching", string.Empty)));
        await using (fixedFitting)
        {
            await cluster.Fitting[0].KillAsync();
            await fixedFitting.StartAsync(TimeSpan.FromSeconds(60));

            var replay = await cluster.IngestionClient.ReplayPlatesAsync(new ReplayPlatesRequest { AllFailed = true }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal([poison.PlateId], replay.Replayed);
            await TestPlates.WaitUntilRankedAsync(cluster.IngestionClient, [poison.PlateId], TimeSpan.FromMinutes(2));
        }

        var ranked = await cluster.IngestionClient.GetPlateAsync(new GetPlateRequest { PlateId = poison.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal(PlateStatus.Ranked, ranked.Status);
        var compound = await cluster.SelectivityClient.GetCompoundAsync(
            new GetCompoundRequest { CompoundId = poison.Wells.First(w => w.Role == WellRole.Sample).CompoundId }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Single(compound.Curves, c => c.PlateId == poison.PlateId);
    }
}
