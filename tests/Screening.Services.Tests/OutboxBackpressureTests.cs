using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Screening.Ingestion;
using Screening.ServiceDefaults.Storage;

namespace Screening.Services.Tests;

/// <summary>
/// On the in-memory transport the backlog stays in the outbox, on disk: with Outbox:MaxInFlight
/// plates announced but not yet ranked never exceed the cap, the rest wait as outbox rows, and
/// every plate is still ranked in the end.
/// </summary>
public sealed class OutboxBackpressureTests
{
    [Fact]
    public async Task A_slow_pipeline_holds_the_backlog_in_the_outbox_and_ranks_everything()
    {
        using var factory = new EmbeddedFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Outbox:MaxInFlight"] = "2",
                ["Selectivity:SlowDownPerPlateMs"] = "150",
            },
        };
        var plates = TestPlates.Simulated(compounds: 2, replicates: 3);
        var database = factory.Services.GetRequiredKeyedService<Database>(IngestionExtensions.DatabaseName);
        await TestPlates.SubmitAllAsync(factory.Ingestion, plates);

        var (maxUnfinished, maxHeldBack) = (0, 0);
        var ranked = TestPlates.WaitUntilRankedAsync(factory.Ingestion, plates.Select(p => p.PlateId), TimeSpan.FromSeconds(120));
        while (!ranked.IsCompleted)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            var held = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox");
            var open = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM plates WHERE status IN ('received', 'fitted')");
            (maxUnfinished, maxHeldBack) = (Math.Max(maxUnfinished, open - held), Math.Max(maxHeldBack, held));
            await Task.Delay(20);
        }

        await ranked;
        Assert.InRange(maxUnfinished, 1, 2);
        Assert.True(maxHeldBack >= plates.Count / 2, $"at most {maxHeldBack} of {plates.Count} plates waited in the outbox");
    }
}
