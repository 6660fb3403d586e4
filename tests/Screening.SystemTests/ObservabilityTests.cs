using System.Diagnostics;
using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Screening.Protos.V1;
using Screening.Services.Tests;

namespace Screening.SystemTests;

/// <summary>One plate is one trace across the Ingestion, Fitting and Selectivity processes.</summary>
public sealed class TracingAcrossProcessesTests
{
    [SystemFact]
    public async Task A_plate_is_one_trace_across_the_ingestion_fitting_and_selectivity_processes()
    {
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1, settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER"] = "console",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        var plate = TestPlates.Simulated(compounds: 3, replicates: 1)[0];
        plate.PlateId = "TRACE-" + Guid.NewGuid().ToString("N")[..12];

        await cluster.IngestionClient.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(30));
        await TestPlates.WaitUntilRankedAsync(cluster.IngestionClient, [plate.PlateId], TimeSpan.FromSeconds(60));

        var processes = new[] { cluster.Ingestion, cluster.Fitting[0], cluster.Selectivity };
        var intake = await WaitForAsync(() => ConsoleSpan.Parse(cluster.Ingestion.Output).FirstOrDefault(s => s.Name == "plate intake" && s.Tags.GetValueOrDefault("plate.id") == plate.PlateId));
        var traceId = intake.TraceId;

        // Spans are printed as they end; the outer ones of the last hop may still be open.
        var trace = await WaitForAsync(() =>
        {
            var spans = processes.SelectMany(p => ConsoleSpan.Parse(p.Output).Where(s => s.TraceId == traceId).Select(s => s with { Process = p.Label })).ToList();
            var ids = spans.Select(s => s.SpanId).ToHashSet();
            var ranked = spans.Any(s => s.Process == "selectivity" && s.Name == "ranking update");
            return ranked && spans.Count(s => !ids.Contains(s.ParentSpanId)) == 1 ? spans : null;
        });

        var describe = string.Join('\n', trace.Select(s => $"{s.Process}: {s.SpanId} <- {s.ParentSpanId} {s.Name}"));
        var orphan = Assert.Single(trace, s => !trace.Any(p => p.SpanId == s.ParentSpanId));
        Assert.True(orphan.Process == "ingestion" && orphan.Name.Contains("SubmitPlate", StringComparison.Ordinal), describe);
        Assert.Contains(trace, s => s.Process == "ingestion" && s.Name == "outbox publish");
        var fit = Assert.Single(trace, s => s.Process == "fitting-1" && s.Name == "plate fit");
        Assert.Equal("3", fit.Tags.GetValueOrDefault("plate.curve_count"));
        Assert.Contains(trace, s => s.Process == "selectivity" && s.Name == "ranking update" && s.Tags.GetValueOrDefault("plate.id") == plate.PlateId);

        // MassTransit's consume latency reaches the exporter (the harness in-process does not record it).
        await WaitForAsync(() => cluster.Fitting[0].Output.FirstOrDefault(l => l.StartsWith("Metric Name: messaging.masstransit.consume.duration", StringComparison.Ordinal)));

        // Across the broker each consumer's spans hang under the publisher's send span in the other process.
        var bySpan = trace.ToDictionary(s => s.SpanId);
        Assert.Contains(trace, s => s.Process == "fitting-1" && bySpan.TryGetValue(s.ParentSpanId, out var p) && p.Process == "ingestion");
        Assert.Contains(trace, s => s.Process == "selectivity" && bySpan.TryGetValue(s.ParentSpanId, out var p) && p.Process == "fitting-1");
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the spans were not printed in time");
            await Task.Delay(200);
        }
    }

    /// <summary>A span as OpenTelemetry's console exporter prints it (OTEL_EXPORTER=console).</summary>
    private sealed record ConsoleSpan(string TraceId, string SpanId, string ParentSpanId, string Name, Dictionary<string, string> Tags, string Process = "")
    {
        public static List<ConsoleSpan> Parse(IEnumerable<string> output)
        {
            var spans = new List<ConsoleSpan>();
            string? traceId = null, spanId = null, parent = null, name = null;
            Dictionary<string, string> tags = [];
            var inTags = false;
            foreach (var line in output.ToArray())
            {
                if (Field(line, "Activity.TraceId:") is { } t)
                {
                    Flush();
                    (traceId, spanId, parent, name, tags, inTags) = (t, null, null, null, [], false);
                }
                else if (Field(line, "Activity.SpanId:") is { } s)
                {
                    spanId = s;
                }
                else if (Field(line, "Activity.ParentSpanId:") is { } p)
                {
                    parent = p;
                }
                else if (Field(line, "Activity.DisplayName:") is { } n)
                {
                    name = n;
                }
                else if (line.StartsWith("Activity.Tags:", StringComparison.Ordinal))
                {
                    inTags = true;
                }
                else if (inTags && line.StartsWith("    ", StringComparison.Ordinal) && line.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0)
                {
                    tags[line[..colon].Trim()] = line[(colon + 2)..].Trim();
                }
                else
                {
                    inTags = false;
                }
            }

            Flush();
            return spans;

            void Flush()
            {
                if (traceId is not null && spanId is not null && name is not null)
                {
                    spans.Add(new ConsoleSpan(traceId, spanId, parent ?? "0000000000000000", name, tags));
                }
            }
        }

        private static string? Field(string line, string prefix) =>
            line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..].Trim() : null;
    }
}

/// <summary>Fault tests stop the shared broker and database server: they run alone, after the rest.</summary>
[CollectionDefinition(nameof(InfrastructureFaults), DisableParallelization = true)]
public sealed class InfrastructureFaults;

/// <summary>/health and grpc.health.v1 say not ready while the database or broker is down, and ready once it is back.</summary>
[Collection(nameof(InfrastructureFaults))]
public sealed class HealthTests
{
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Back = TimeSpan.FromSeconds(120);

    [FaultFact]
    public Task Ingestion_is_not_ready_while_postgresql_is_down_and_ready_when_it_is_back() =>
        NotReadyWhileDownAsync("infra_pg_stop", "infra_pg_start");

    [FaultFact]
    public Task Ingestion_is_not_ready_while_rabbitmq_is_down_and_ready_when_it_is_back() =>
        NotReadyWhileDownAsync("infra_rabbit_stop", "infra_rabbit_start");

    private static async Task NotReadyWhileDownAsync(string stop, string start)
    {
        await using var cluster = await Cluster.StartAsync(fittingProcesses: 1);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Ingestion.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        using var channel = TestAuth.Channel(cluster.Ingestion.GrpcAddress);
        var grpcHealth = new Health.HealthClient(channel);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await grpcHealth.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Status);

        await InfraAsync(stop);
        try
        {
            await WaitForStatusAsync(http, HttpStatusCode.ServiceUnavailable, Down);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/alive"));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await grpcHealth.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Status);
        }
        finally
        {
            await InfraAsync(start);
        }

        await WaitForStatusAsync(http, HttpStatusCode.OK, Back);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await grpcHealth.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Status);
    }

    private static async Task WaitForStatusAsync(HttpClient http, HttpStatusCode expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await StatusAsync(http, "/health");
            if (last == expected)
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"/health stayed {last} for {timeout}, expected {expected}");
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Runs one of tests/infra.sh's functions on the broker and database that infra_start started.</summary>
    private static async Task InfraAsync(string function)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"source \"$INFRA_SCRIPT\" && {function}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{function} failed: {await stderr}");
    }
}

/// <summary>A system test that also stops and starts the infrastructure, so it needs tests/infra.sh's state.</summary>
public sealed class FaultFactAttribute : FactAttribute
{
    public FaultFactAttribute()
    {
        if (!Infrastructure.IsAvailable || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INFRA_SCRIPT")))
        {
            Skip = "needs the RabbitMQ and PostgreSQL that tests/infra.sh started (INFRA_SCRIPT unset)";
        }
    }
}
