using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Screening.Protos.V1;

namespace Screening.Selectivity.WebView;

/// <summary>Section "Selectivity".</summary>
public sealed class SelectivityOptions
{
    public const string Section = "Selectivity";

    /// <summary>
    /// gRPC address of Ingestion, which owns the raw plates the plate page shows. Empty: this
    /// host's own gRPC address, right for the embedded host where Ingestion runs in-process.
    /// </summary>
    public string? IngestionUrl { get; set; }

    /// <summary>
    /// Fault injection for drills and tests: wait this long before storing each fitted plate,
    /// to play a slow Selectivity (backpressure). 0, the default: off.
    /// </summary>
    public int SlowDownPerPlateMs { get; set; }
}

/// <summary>The web view's one channel to Ingestion (plate wells and QC for the plate page).</summary>
internal sealed class IngestionLink(IOptions<SelectivityOptions> options, IServer server) : IDisposable
{
    private readonly Lock _gate = new();
    private GrpcChannel? _channel;

    public PlateIngestion.PlateIngestionClient Client
    {
        get
        {
            lock (_gate)
            {
                _channel ??= GrpcChannel.ForAddress(Address());
                return new PlateIngestion.PlateIngestionClient(_channel);
            }
        }
    }

    public void Dispose() => _channel?.Dispose();

    private Uri Address()
    {
        if (options.Value.IngestionUrl is { Length: > 0 } configured)
        {
            return new Uri(configured);
        }

        // Kestrel lists addresses in the order they were bound: Endpoints:Grpc first.
        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Selectivity:IngestionUrl is not set and this host has no address of its own.");
        return new Uri(own.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }
}
