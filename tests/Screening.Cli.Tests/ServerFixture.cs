using Microsoft.AspNetCore.Builder;
using Screening.Embedded;

namespace Screening.Cli.Tests;

/// <summary>The embedded host on a free loopback port with its databases in a temporary directory.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("screen-cli-test-data-").FullName;
    private WebApplication? _app;

    public string Address { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _app = EmbeddedHost.Build([], new EmbeddedHostOptions { Port = 0, DataDirectory = _data, Quiet = true });
        await _app.StartAsync();
        Address = EmbeddedHost.Address(_app).ToString();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}
