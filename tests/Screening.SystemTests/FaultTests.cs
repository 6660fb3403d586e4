using Dapper;
using Grpc.Core;
using Npgsql;
using Screening.Protos.V1;
using Screening.Services.Tests;

namespace Screening.SystemTests;

/// <summary>
/// Broker and database failures while plates keep arriving. Every submission is recorded as
/// accepted, rejected or unknown; after the fault heals the system drains and is counted:
/// no accepted plate lost, no curve result stored twice, every accepted plate ranked.
/// </summary>
[Collection(SharedInfrastructure.Name)]
public sealed class FaultTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromMinutes(4);

    [SystemFact]
    public async Task RabbitMQ_stopped_and_restarted_while_plates_arrive_loses_and_doubles_nothing()
    {
        var plates = TestPlates.Panel(compounds: 64, replicates: 3, seed: 21);
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1);

        var ledger = await SubmitWithFaultAsync(cluster, plates, faultAfter: 12, async () =>
        {
            await Faults.StopBrokerAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await Faults.StartBrokerAsync();
        });

        await AssertDrainedAsync(cluster, plates, ledger);
    }

    [SystemFact]
    public async Task PostgreSQL_connections_killed_and_server_restarted_mid_run_loses_and_doubles_nothing()
    {
        var plates = TestPlates.Panel(compounds: 64, replicates: 3, seed: 22);
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1);

        var ledger = await SubmitWithFaultAsync(cluster, plates, faultAfter: 12, async () =>
        {
            await Faults.TerminateConnectionsAsync(cluster.IngestionConnectionString, cluster.SelectivityConnectionString);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await Faults.RestartPostgresAsync();
        });

        await AssertDrainedAsync(cluster, plates, ledger);
    }

    private enum Outcome
    {
        Accepted,
        Rejected,
        Unknown,
    }

    /// <summary>Submits plates one by one; after <paramref name="faultAfter"/> acceptances, runs the fault alongside.</summary>
    private static async Task<Dictionary<string, Outcome>> SubmitWithFaultAsync(Cluster cluster, IReadOnlyList<Plate> plates, int faultAfter, Func<Task> fault)
    {
        var ledger = new Dictionary<string, Outcome>();
        Task? faulting = null;
        foreach (var plate in plates)
        {
            if (faulting is null && ledger.Values.Count(o => o == Outcome.Accepted) >= faultAfter)
            {
                faulting = Task.Run(fault);
            }

            try
            {
                await cluster.IngestionClient.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(10));
                ledger[plate.PlateId] = Outcome.Accepted;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
            {
                ledger[plate.PlateId] = Outcome.Unknown;
            }
            catch (RpcException)
            {
                ledger[plate.PlateId] = Outcome.Rejected;
            }

            await Task.Delay(100);
        }

        await (faulting ?? Task.CompletedTask);
        return ledger;
    }

    private static async Task AssertDrainedAsync(Cluster cluster, IReadOnlyList<Plate> plates, Dictionary<string, Outcome> ledger)
    {
        Assert.True(ledger.Values.Count(o => o == Outcome.Accepted) > plates.Count / 2,
            $"too few plates accepted to mean anything: {string.Join(", ", ledger.GroupBy(kv => kv.Value).Select(g => $"{g.Key} {g.Count()}"))}");

        // Unknown outcomes are resolved by asking: a plate Ingestion has must be ranked like any other.
        var stored = new List<string>();
        foreach (var (plateId, outcome) in ledger)
        {
            if (outcome == Outcome.Accepted)
            {
                stored.Add(plateId);
                continue;
            }

            try
            {
                await cluster.IngestionClient.GetPlateAsync(new GetPlateRequest { PlateId = plateId }, deadline: DateTime.UtcNow.AddSeconds(10));
                stored.Add(plateId);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // Never stored, never acknowledged: nothing owed.
            }
        }

        await TestPlates.WaitUntilRankedAsync(cluster.IngestionClient, stored, Drain);
        foreach (var plateId in stored)
        {
            var status = await cluster.IngestionClient.GetPlateAsync(new GetPlateRequest { PlateId = plateId }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(PlateStatus.Ranked, status.Status);
        }

        await using var db = new NpgsqlConnection(cluster.SelectivityConnectionString);
        var curves = (await db.QueryAsync<(string PlateId, long Curves)>("SELECT plate_id, COUNT(*) FROM curves GROUP BY plate_id"))
            .ToDictionary(r => r.PlateId, r => r.Curves);
        Assert.Equal(stored.Order(StringComparer.Ordinal), curves.Keys.Order(StringComparer.Ordinal));
        foreach (var plate in plates.Where(p => curves.ContainsKey(p.PlateId)))
        {
            Assert.Equal(plate.Wells.Where(w => w.Role == WellRole.Sample).Select(w => w.CompoundId).Distinct().Count(), curves[plate.PlateId]);
        }
    }
}

/// <summary>
/// Tests that stop or restart the shared broker or database server run alone: this
/// collection is not run in parallel with any other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedInfrastructure
{
    public const string Name = "shared infrastructure faults";
}
