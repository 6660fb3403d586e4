using System.Text.Json;
using Grpc.Core;
using Screening.Analysis.Plates;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>Plates for the tests: the shipped example plates, or simulated ones.</summary>
internal static class TestPlates
{
    public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "Data", "plates", file);

    public static IReadOnlyList<Plate> Examples()
    {
        var plates = new List<Plate>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Data", "plates"), "*.csv").Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(file);
            var result = PlateCsv.Read(reader, Path.GetFileName(file));
            Assert.Empty(result.Errors);
            plates.AddRange(result.Plates.Select(p => p.Input.ToProto()));
        }

        return plates;
    }

    public static IReadOnlyList<Plate> Simulated(int compounds, int replicates, int seed = 7)
    {
        var panel = ReferencePanel.Default.Take(compounds).ToArray();
        return PlateSimulator.Simulate(panel, new SimulationOptions(Seed: seed, ReplicatePlates: replicates))
            .Select(p => p.ToInput().ToProto())
            .ToArray();
    }

    /// <summary>The reference panel plus random compounds: 16 compounds make 4 plates per replicate.</summary>
    public static IReadOnlyList<Plate> Panel(int compounds, int replicates, int seed)
    {
        var panel = ReferencePanel.Default.Concat(ReferencePanel.Random(Math.Max(0, compounds - ReferencePanel.Default.Count), seed)).Take(compounds).ToArray();
        return PlateSimulator.Simulate(panel, new SimulationOptions(Seed: seed, ReplicatePlates: replicates))
            .Select(p => p.ToInput().ToProto())
            .ToArray();
    }

    public static JsonDocument Truth() => JsonDocument.Parse(File.ReadAllText(DataPath("truth.json")));

    /// <summary>Polls GetPlate until every plate has left RECEIVED/FITTED, or fails after the timeout.</summary>
    public static async Task WaitUntilRankedAsync(PlateIngestion.PlateIngestionClient client, IEnumerable<string> plateIds, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        foreach (var id in plateIds)
        {
            while (true)
            {
                var plate = await client.GetPlateAsync(new GetPlateRequest { PlateId = id }, deadline: DateTime.UtcNow.AddSeconds(10));
                if (plate.Status is PlateStatus.Ranked or PlateStatus.FailedQc or PlateStatus.Failed)
                {
                    break;
                }

                if (cts.IsCancellationRequested)
                {
                    Assert.Fail($"Plate {id} is still {plate.Status} after {timeout}.");
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    public static async Task<IReadOnlyList<RankedCompound>> RankingAsync(Protos.V1.Selectivity.SelectivityClient client, Protos.V1.AssayType assay)
    {
        var all = new List<RankedCompound>();
        var token = string.Empty;
        do
        {
            var page = await client.GetRankingAsync(
                new GetRankingRequest { Assay = assay, PageSize = 7, PageToken = token },
                deadline: DateTime.UtcNow.AddSeconds(10));
            all.AddRange(page.Compounds);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    public static async Task<SubmitPlatesResponse> SubmitAllAsync(PlateIngestion.PlateIngestionClient client, IEnumerable<Plate> plates)
    {
        using var call = client.SubmitPlates(deadline: DateTime.UtcNow.AddSeconds(60));
        try
        {
            foreach (var plate in plates)
            {
                await call.RequestStream.WriteAsync(new SubmitPlateRequest { Plate = plate });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server ended the call early (refused it): a write racing that end fails with
            // Cancelled or "call is complete"; the call's own status comes with the response,
            // as `screen submit` reads it (PlateUpload).
        }

        return await call.ResponseAsync;
    }

    public static RpcException Rejection(Func<Task> call) => Assert.ThrowsAsync<RpcException>(call).GetAwaiter().GetResult();
}
