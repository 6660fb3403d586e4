using System.Text.RegularExpressions;
using Dapper;
using Grpc.Net.Client;
using MassTransit;
using Npgsql;
using Screening.Contracts;
using Screening.Embedded;
using Screening.Protos.V1;
using Screening.Services.Tests;

namespace Screening.SystemTests;

/// <summary>
/// The production path: separate processes over RabbitMQ and PostgreSQL. An accepted plate
/// is ranked exactly once, whatever is killed when, and the numbers equal the embedded default's.
/// </summary>
public sealed partial class DistributedPipelineTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromMinutes(4);

    [SystemFact]
    public async Task Separate_processes_rank_exactly_like_the_embedded_default_and_both_fitters_share_the_work()
    {
        // 96 compounds = 6 plates per target, assay and replicate: 72 plates.
        var plates = TestPlates.Panel(compounds: 96, replicates: 3, seed: 11);
        Assert.True(plates.Count >= 50);

        await using var cluster = await Cluster.StartAsync(fittingProcesses: 2);
        var distributed = await SubmitAndRankAsync(cluster.IngestionClient, cluster.SelectivityClient, plates);

        var embedded = await RankOnEmbeddedAsync(plates);

        Assert.Equal(embedded.Binding.Count, distributed.Binding.Count);
        Assert.Equal(embedded.Binding, distributed.Binding);
        Assert.Equal(embedded.Uptake, distributed.Uptake);
        var fittedBy = cluster.Fitting.Select(f => f.Output.Count(line => FittedLine().IsMatch(line))).ToArray();
        Assert.All(fittedBy, n => Assert.True(n > 0, $"plates fitted per process: {string.Join(", ", fittedBy)}"));
        Assert.Equal(plates.Count, fittedBy.Sum());
        await AssertEveryPlateStoredOnceAsync(cluster, plates);
    }

    [SystemFact]
    public async Task A_fitting_process_killed_mid_batch_loses_nothing_and_doubles_nothing()
    {
        var plates = TestPlates.Panel(compounds: 64, replicates: 2, seed: 12);
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 2);
        var victim = cluster.Fitting[0];

        await TestPlates.SubmitAllAsync(cluster.IngestionClient, plates);
        await WaitForAsync(() => victim.Output.Any(line => FittedLine().IsMatch(line)), TimeSpan.FromSeconds(60), "the first plate fitted");
        await victim.KillAsync();
        Assert.True(victim.HasExited);
        await victim.StartAsync(TimeSpan.FromSeconds(60));

        await TestPlates.WaitUntilRankedAsync(cluster.IngestionClient, plates.Select(p => p.PlateId), Drain);
        await AssertEveryPlateStoredOnceAsync(cluster, plates);
        await AssertEveryPlateRankedAsync(cluster, plates);
    }

    [SystemFact]
    public async Task Plates_committed_but_not_published_when_ingestion_dies_are_published_after_restart()
    {
        var plates = TestPlates.Panel(compounds: 32, replicates: 1, seed: 13);

        // Dispatch paused: acceptance commits plate and outbox row, and nothing is published,
        // which is the state a crash between commit and publish leaves behind.
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1, new Dictionary<string, string> { ["Outbox__Dispatch"] = "false" });
        var response = await TestPlates.SubmitAllAsync(cluster.IngestionClient, plates);
        Assert.Equal((uint)plates.Count, response.Accepted);
        await using (var db = new NpgsqlConnection(cluster.IngestionConnectionString))
        {
            Assert.Equal(plates.Count, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        }

        await cluster.Ingestion.KillAsync();
        var restarted = new ServiceProcess("Screening.Ingestion", "ingestion-restarted", cluster.Settings());
        await using (restarted)
        {
            await restarted.StartAsync(TimeSpan.FromSeconds(60));
            using var channel = TestAuth.Channel(restarted.GrpcAddress);
            await TestPlates.WaitUntilRankedAsync(new PlateIngestion.PlateIngestionClient(channel), plates.Select(p => p.PlateId), Drain);
        }

        await AssertEveryPlateStoredOnceAsync(cluster, plates);
        await using var ingestion = new NpgsqlConnection(cluster.IngestionConnectionString);
        Assert.Equal(0, await ingestion.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
    }

    [SystemFact]
    public async Task Redelivered_fit_results_and_a_replayed_plate_change_nothing()
    {
        var plates = TestPlates.Panel(compounds: 16, replicates: 1, seed: 14);
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1);
        var before = await SubmitAndRankAsync(cluster.IngestionClient, cluster.SelectivityClient, plates);
        var snapshot = await SelectivitySnapshotAsync(cluster);

        // Replay the first plate exactly as Ingestion announced it, and send one of its fit
        // results twice, straight onto the bus.
        var replayed = await AcceptedMessageAsync(cluster, plates[0].PlateId);
        var bus = await cluster.StartTestBusAsync();
        try
        {
            await bus.Publish(replayed);
            await WaitForAsync(() => cluster.Fitting[0].Output.Count(line => FittedLine().IsMatch(line)) > plates.Count, TimeSpan.FromSeconds(60), "the replayed plate fitted");
            var fitted = new PlateFitted(replayed.PlateId, replayed.Revision, replayed.ContentHash, replayed.Target, replayed.Assay,
                replayed.ZPrime, replayed.QcPassed, null, null, [], DateTimeOffset.UtcNow);
            await bus.Publish(fitted);
            await bus.Publish(fitted);
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await bus.StopAsync();
        }

        var after = await RankingsAsync(cluster.SelectivityClient);
        Assert.Equal(before.Binding, after.Binding);
        Assert.Equal(before.Uptake, after.Uptake);
        Assert.Equal(snapshot, await SelectivitySnapshotAsync(cluster));
    }

    private static async Task<(IReadOnlyList<RankedCompound> Binding, IReadOnlyList<RankedCompound> Uptake)> SubmitAndRankAsync(
        PlateIngestion.PlateIngestionClient ingestion, Protos.V1.Selectivity.SelectivityClient selectivity, IReadOnlyList<Plate> plates)
    {
        var response = await TestPlates.SubmitAllAsync(ingestion, plates);
        Assert.Equal((uint)plates.Count, response.Accepted);
        await TestPlates.WaitUntilRankedAsync(ingestion, plates.Select(p => p.PlateId), Drain);
        return await RankingsAsync(selectivity);
    }

    private static async Task<(IReadOnlyList<RankedCompound> Binding, IReadOnlyList<RankedCompound> Uptake)> RankingsAsync(Protos.V1.Selectivity.SelectivityClient selectivity) =>
        (await TestPlates.RankingAsync(selectivity, Protos.V1.AssayType.Binding), await TestPlates.RankingAsync(selectivity, Protos.V1.AssayType.Uptake));

    private static async Task<(IReadOnlyList<RankedCompound> Binding, IReadOnlyList<RankedCompound> Uptake)> RankOnEmbeddedAsync(IReadOnlyList<Plate> plates)
    {
        var data = Directory.CreateTempSubdirectory("screening-embedded-");
        try
        {
            await using var app = EmbeddedHost.Build([], new EmbeddedHostOptions { Port = 0, DataDirectory = data.FullName, Quiet = true });
            await app.StartAsync();
            using var channel = TestAuth.Channel(EmbeddedHost.Address(app));
            var result = await SubmitAndRankAsync(new PlateIngestion.PlateIngestionClient(channel), new Protos.V1.Selectivity.SelectivityClient(channel), plates);
            await app.StopAsync();
            return result;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    /// <summary>Every plate stored once in Selectivity, with exactly one curve per compound on it.</summary>
    private static async Task AssertEveryPlateStoredOnceAsync(Cluster cluster, IReadOnlyList<Plate> plates)
    {
        await using var db = new NpgsqlConnection(cluster.SelectivityConnectionString);
        var stored = (await db.QueryAsync<(string PlateId, long Curves)>(
            "SELECT plate_id, COUNT(*) FROM curves GROUP BY plate_id")).ToDictionary(r => r.PlateId, r => r.Curves);
        Assert.Equal(plates.Count, stored.Count);
        foreach (var plate in plates)
        {
            var compounds = plate.Wells.Where(w => w.Role == WellRole.Sample).Select(w => w.CompoundId).Distinct().Count();
            Assert.Equal(compounds, stored[plate.PlateId]);
        }
    }

    private static async Task AssertEveryPlateRankedAsync(Cluster cluster, IReadOnlyList<Plate> plates)
    {
        foreach (var plate in plates)
        {
            var status = await cluster.IngestionClient.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(PlateStatus.Ranked, status.Status);
        }
    }

    private static async Task<string> SelectivitySnapshotAsync(Cluster cluster)
    {
        await using var db = new NpgsqlConnection(cluster.SelectivityConnectionString);
        var plates = await db.QueryAsync<string>("SELECT plate_id || ':' || revision || ':' || content_hash || ':' || curve_count || ':' || stored_at FROM plates ORDER BY plate_id");
        var curves = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM curves");
        return string.Join('\n', plates) + "\ncurves:" + curves;
    }

    private static async Task<PlateAccepted> AcceptedMessageAsync(Cluster cluster, string plateId)
    {
        await using var db = new NpgsqlConnection(cluster.IngestionConnectionString);
        var row = await db.QuerySingleAsync<(string Hash, string Target, string Assay, int Format, double ZPrime, int QcPassed, string Wells, int Revision)>(
            "SELECT content_hash, target, assay, plate_format, z_prime, qc_passed, wells, revision FROM plates WHERE plate_id = @PlateId", new { PlateId = plateId });
        var wells = System.Text.Json.JsonSerializer.Deserialize<WellReading[]>(row.Wells)!;
        var plate = TestPlates.Panel(compounds: 16, replicates: 1, seed: 14).Single(p => p.PlateId == plateId);
        return new PlateAccepted(plateId, row.Revision, row.Hash, row.Target, row.Assay, row.Format,
            plate.HasLigandNm ? plate.LigandNm : null, plate.HasLigandKdNm ? plate.LigandKdNm : null,
            row.ZPrime, row.QcPassed == 1, wells, DateTimeOffset.UtcNow);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex("Fitted plate \\S+ revision \\d+: \\d+ curves")]
    private static partial Regex FittedLine();
}
