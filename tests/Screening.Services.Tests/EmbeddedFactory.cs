using Grpc.Net.Client;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Screening.Embedded;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>
/// The embedded host (all three services) on a TestServer, with its own throwaway SQLite
/// directory and MassTransit's test harness in place of the in-memory bus.
/// </summary>
public sealed class EmbeddedFactory : WebApplicationFactory<EmbeddedHostOptions>
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("screening-tests-").FullName;
    private GrpcChannel? _channel;

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(),
    });

    public PlateIngestion.PlateIngestionClient Ingestion => new(Channel);

    public Protos.V1.Selectivity.SelectivityClient Selectivity => new(Channel);

    public CurveFitting.CurveFittingClient Fitting => new(Channel);

    /// <summary>More test services (an in-memory telemetry exporter, say), applied after the harness.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _dataDirectory,
        }));
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            TestServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        _channel?.Dispose();
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown: the temp directory is cleaned by the OS.
            }
        }
    }
}
