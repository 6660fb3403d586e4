using Screening.Protos.V1;
using Screening.Services.Tests;

namespace Screening.SystemTests;

/// <summary>
/// A slow Selectivity: the backlog waits in RabbitMQ's durable queue, not in any service's
/// memory (bounded prefetch and consumer concurrency), and nothing is dropped.
/// </summary>
public sealed class BackpressureTests
{
    private const long MemoryBound = 600L * 1024 * 1024;

    [SystemFact]
    public async Task A_slow_selectivity_leaves_the_backlog_in_the_broker_and_every_plate_is_ranked()
    {
        // 64 compounds x 2 replicates = 32 plates; Selectivity takes 3 s a plate, 4 at a time (1.3 plates/s),
        // far slower than Fitting.
        var plates = TestPlates.Panel(compounds: 64, replicates: 2, seed: 41);
        await using var cluster = await Cluster.StartAsync(
            fittingProcesses: 1,
            settings: new Dictionary<string, string> { ["Selectivity__SlowDownPerPlateMs"] = "3000", ["Bus__PrefetchCount"] = "4" });
        var processes = cluster.Fitting.Append(cluster.Ingestion).Append(cluster.Selectivity).ToArray();
        var peak = processes.ToDictionary(p => p.Label, _ => 0L);
        var deepest = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                foreach (var p in processes)
                {
                    peak[p.Label] = Math.Max(peak[p.Label], p.ResidentBytes);
                }

                deepest = Math.Max(deepest, await Infrastructure.QueueDepthAsync(cluster.VirtualHost, "plate-fitted"));
                await Task.Delay(250);
            }
        });

        var response = await TestPlates.SubmitAllAsync(cluster.IngestionClient, plates);
        Assert.Equal((uint)plates.Count, response.Accepted);
        await TestPlates.WaitUntilRankedAsync(cluster.IngestionClient, plates.Select(p => p.PlateId), TimeSpan.FromMinutes(3));
        await sampling.CancelAsync();
        await sampler;

        Assert.True(deepest >= 8, $"the backlog never built up in the broker (deepest plate-fitted queue: {deepest})");
        Assert.All(peak, kv => Assert.True(kv.Value < MemoryBound, $"{kv.Key} peaked at {kv.Value / (1024 * 1024)} MB"));
        foreach (var plate in plates)
        {
            var status = await cluster.IngestionClient.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(PlateStatus.Ranked, status.Status);
        }
    }
}
