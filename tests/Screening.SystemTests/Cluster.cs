using System.Globalization;
using Grpc.Net.Client;
using MassTransit;
using Screening.Protos.V1;
using Screening.Services.Tests;

namespace Screening.SystemTests;

/// <summary>
/// One deployment for one test: its own RabbitMQ virtual host and PostgreSQL databases,
/// one Ingestion, N Fitting and one Selectivity process.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _id = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<GrpcChannel> _channels = [];
    private string? _ingestionDatabase;
    private string? _selectivityDatabase;
    private IReadOnlyDictionary<string, string> _common = new Dictionary<string, string>();

    private Cluster()
    {
    }

    public ServiceProcess Ingestion { get; private set; } = null!;

    public List<ServiceProcess> Fitting { get; } = [];

    public ServiceProcess Selectivity { get; private set; } = null!;

    public string IngestionConnectionString { get; private set; } = string.Empty;

    public string SelectivityConnectionString { get; private set; } = string.Empty;

    public string VirtualHost => _id;

    /// <param name="settings">Environment for every process of the cluster (OTEL_* say).</param>
    public static async Task<Cluster> StartAsync(
        int fittingProcesses, IReadOnlyDictionary<string, string>? ingestionSettings = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new Cluster { _common = settings ?? new Dictionary<string, string>() };
        try
        {
            await cluster.StartCoreAsync(fittingProcesses, ingestionSettings ?? new Dictionary<string, string>());
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public PlateIngestion.PlateIngestionClient IngestionClient => new(Channel(Ingestion));

    public Protos.V1.Selectivity.SelectivityClient SelectivityClient => new(Channel(Selectivity));

    /// <summary>Environment for a service process of this cluster.</summary>
    public Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var rabbit = Infrastructure.RabbitMq!;
        var settings = new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__Host"] = rabbit.Host,
            ["Bus__Port"] = rabbit.Port.ToString(CultureInfo.InvariantCulture),
            ["Bus__VirtualHost"] = _id,
            ["Bus__Username"] = "guest",
            ["Bus__Password"] = "guest",
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__ingestion"] = IngestionConnectionString,
            ["ConnectionStrings__selectivity"] = SelectivityConnectionString,
            ["Fitting__ConcurrentPlates"] = "2",
            ["Auth__Keys__0__Name"] = "system-tests",
            ["Auth__Keys__0__Token"] = TestAuth.Token,
            ["Auth__Keys__0__Permissions__0"] = "submit",
            ["Auth__Keys__0__Permissions__1"] = "read",
            ["Auth__Keys__0__Permissions__2"] = "admin",
        };
        foreach (var (key, value) in _common)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A MassTransit bus in the test process on this cluster's virtual host, to inject messages.</summary>
    public async Task<IBusControl> StartTestBusAsync()
    {
        var rabbit = Infrastructure.RabbitMq!;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(rabbit.Host, (ushort)rabbit.Port, _id, h =>
        {
            h.Username("guest");
            h.Password("guest");
        }));
        await bus.StartAsync();
        return bus;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        var processes = new List<ServiceProcess>(Fitting);
        if (Ingestion is not null)
        {
            processes.Add(Ingestion);
        }

        if (Selectivity is not null)
        {
            processes.Add(Selectivity);
        }

        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        if (_ingestionDatabase is not null)
        {
            await Infrastructure.DropDatabaseAsync(_ingestionDatabase);
        }

        if (_selectivityDatabase is not null)
        {
            await Infrastructure.DropDatabaseAsync(_selectivityDatabase);
        }

        await Infrastructure.DeleteVirtualHostAsync(_id);
    }

    private async Task StartCoreAsync(int fittingProcesses, IReadOnlyDictionary<string, string> ingestionSettings)
    {
        await Infrastructure.CreateVirtualHostAsync(_id);
        _ingestionDatabase = _id + "_ingestion";
        IngestionConnectionString = await Infrastructure.CreateDatabaseAsync(_ingestionDatabase);
        _selectivityDatabase = _id + "_selectivity";
        SelectivityConnectionString = await Infrastructure.CreateDatabaseAsync(_selectivityDatabase);

        // Consumers first, so their queues are bound before anything is published.
        Selectivity = new ServiceProcess("Screening.Selectivity", "selectivity", Settings());
        await Selectivity.StartAsync(StartTimeout);
        for (var i = 0; i < fittingProcesses; i++)
        {
            var fitting = new ServiceProcess("Screening.Fitting", $"fitting-{i + 1}", Settings());
            Fitting.Add(fitting);
        }

        await Task.WhenAll(Fitting.Select(f => f.StartAsync(StartTimeout)));
        Ingestion = new ServiceProcess("Screening.Ingestion", "ingestion",
            Settings(ingestionSettings.Select(kv => (kv.Key, kv.Value)).ToArray()));
        await Ingestion.StartAsync(StartTimeout);
    }

    private GrpcChannel Channel(ServiceProcess process)
    {
        var channel = TestAuth.Channel(process.GrpcAddress);
        _channels.Add(channel);
        return channel;
    }
}
