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

    /// <summary>A key that may only read.</summary>
    public const string ReaderToken = "test-token-read";

    /// <summary>A key that may only submit.</summary>
    public const string SubmitterToken = "test-token-submit";

    /// <summary>The channel every test uses: it sends <see cref="TestAuth.Token"/> (every permission).</summary>
    public GrpcChannel Channel => _channel ??= ChannelWith(TestAuth.Token);

    /// <summary>A channel that sends <paramref name="token"/>, or no token at all when null.</summary>
    public GrpcChannel ChannelWith(string? token) => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = TestAuth.Handler(token, Server.CreateHandler()),
    });

    public PlateIngestion.PlateIngestionClient Ingestion => new(Channel);

    public Protos.V1.Selectivity.SelectivityClient Selectivity => new(Channel);

    public CurveFitting.CurveFittingClient Fitting => new(Channel);

    /// <summary>Configuration for this host on top of the defaults (e.g. a low rate limit).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>More test services (an in-memory telemetry exporter, say), applied after the harness.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Auth:Keys:reader:Name"] = "reader",
            ["Auth:Keys:reader:Token"] = ReaderToken,
            ["Auth:Keys:reader:Permissions:0"] = "read",
            ["Auth:Keys:submitter:Name"] = "submitter",
            ["Auth:Keys:submitter:Token"] = SubmitterToken,
            ["Auth:Keys:submitter:Permissions:0"] = "submit",
        }).AddInMemoryCollection(Settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            TestServices?.Invoke(services);
        });
    }

    /// <summary>HTTP clients (the web view) send the all-permissions token too.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestAuth.Token);
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
