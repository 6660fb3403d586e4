using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>The embedded host on a TestServer with the 16-compound reference panel ranked (2 replicate plates).</summary>
public sealed class RankedPanelFixture : IAsyncLifetime
{
    public EmbeddedFactory Factory { get; } = new();

    public IReadOnlyList<Plate> Plates { get; } = TestPlates.Simulated(compounds: 16, replicates: 2);

    public async Task InitializeAsync()
    {
        await TestPlates.SubmitAllAsync(Factory.Ingestion, Plates);
        await TestPlates.WaitUntilRankedAsync(Factory.Ingestion, Plates.Select(p => p.PlateId), TimeSpan.FromSeconds(90));
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
