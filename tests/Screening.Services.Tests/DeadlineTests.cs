using Grpc.Core;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>Deadlines and cancellation are honoured, and a cut-off upload leaves only whole plates behind.</summary>
public sealed class DeadlineTests : IClassFixture<EmbeddedFactory>
{
    private readonly EmbeddedFactory _factory;

    public DeadlineTests(EmbeddedFactory factory) => _factory = factory;

    [Fact]
    public async Task A_call_past_its_deadline_ends_with_deadline_exceeded()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _factory.Selectivity.GetRankingAsync(
            new GetRankingRequest { Assay = AssayType.Binding }, deadline: DateTime.UtcNow.AddMilliseconds(-1)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_every_plate_either_whole_and_ranked_or_absent()
    {
        var plates = TestPlates.Simulated(compounds: 16, replicates: 2).Select(p =>
        {
            var copy = p.Clone();
            copy.PlateId = "CANCEL-" + p.PlateId;
            return copy;
        }).ToList();
        using var cancel = new CancellationTokenSource();
        using var call = _factory.Ingestion.SubmitPlates(deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancel.Token);
        foreach (var plate in plates.Take(plates.Count / 2))
        {
            await call.RequestStream.WriteAsync(new SubmitPlateRequest { Plate = plate }, CancellationToken.None);
        }

        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        // The in-process test server reports a client-aborted stream as UNKNOWN; a real channel says CANCELLED.
        Assert.True(error.StatusCode is StatusCode.Cancelled or StatusCode.Unknown, error.Status.ToString());

        // Whatever the server took before the cut is stored whole and goes on to be ranked.
        var stored = new List<string>();
        foreach (var plate in plates)
        {
            try
            {
                var status = await _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10));
                Assert.Equal((uint)plate.Wells.Count, status.WellCount);
                stored.Add(plate.PlateId);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // Never taken: nothing of it exists.
            }
        }

        Assert.True(stored.Count <= plates.Count / 2, $"{stored.Count} plates stored from {plates.Count / 2} sent");
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, stored, TimeSpan.FromSeconds(60));
    }
}
