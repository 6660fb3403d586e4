using System.Collections.ObjectModel;
using System.Diagnostics;
using OpenTelemetry.Trace;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>
/// One trace follows a plate: the SubmitPlate call, intake, the outbox, the bus, the fit
/// and the ranking update, each span nested under the one that caused it.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private readonly RecordedSpans _spans = new();
    private readonly EmbeddedFactory _factory;

    public TracingTests() =>
        _factory = new EmbeddedFactory { TestServices = s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)) };

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_plate_is_one_trace_from_submission_through_the_outbox_and_bus_to_the_ranking_update()
    {
        var plate = TestPlates.Simulated(compounds: 3, replicates: 1)[0];
        // The exporter sees every span in the test process: a plate id of its own finds this test's trace.
        plate.PlateId = "TRACE-" + Guid.NewGuid().ToString("N")[..12];

        await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(30));
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));
        var ranking = await WaitForSpanAsync(a => a.DisplayName == "ranking update" && Tag(a, "plate.id") == plate.PlateId);

        var trace = _spans.Snapshot().Where(a => a.TraceId == ranking.TraceId).ToList();
        var bySpan = trace.ToDictionary(a => a.SpanId);
        var root = Assert.Single(trace, a => a.ParentSpanId == default);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.Contains("SubmitPlate", root.DisplayName, StringComparison.Ordinal);
        Assert.All(trace.Where(a => a != root), a =>
        {
            Assert.True(bySpan.TryGetValue(a.ParentSpanId, out var parent), $"{a.DisplayName}: parent {a.ParentSpanId} is not in the trace\n{Describe(trace)}");
            Assert.True(a.StartTimeUtc >= parent.StartTimeUtc, $"{a.DisplayName} started before its parent {parent.DisplayName}");
        });

        // From the ranking update back to the call: every hop of the plate is an ancestor, in causal order.
        var chain = Ancestors(ranking, bySpan).ToList();
        var names = chain.Select(Name).ToList();
        AssertInOrder(names, $"{Describe(trace)}\nchain: {string.Join(" <- ", names)}",
            "ranking update",
            "MassTransit process",
            "MassTransit receive",
            "MassTransit producer",
            "MassTransit process",
            "MassTransit receive",
            "MassTransit producer",
            "outbox publish",
            "plate store",
            "plate intake",
            root.DisplayName);

        var fit = Assert.Single(trace, a => a.DisplayName == "plate fit");
        var fittingConsume = bySpan[fit.ParentSpanId];
        Assert.Equal(ActivityKind.Consumer, fittingConsume.Kind);
        Assert.Contains(fittingConsume, chain);
        Assert.Equal("3", Tag(fit, "plate.curve_count"));
        Assert.Equal("3", Tag(ranking, "plate.curve_count"));
        var intake = Assert.Single(trace, a => a.DisplayName == "plate intake");
        Assert.Equal(plate.PlateId, Tag(intake, "plate.id"));
        Assert.NotNull(Tag(intake, "plate.assay"));
        Assert.NotNull(Tag(fit, "plate.target"));
        Assert.Contains(trace, a => a.DisplayName == "plate validate" && a.ParentSpanId == intake.SpanId);
        Assert.Contains(trace, a => a.DisplayName == "plate qc" && a.ParentSpanId == intake.SpanId);
    }

    [Fact]
    public async Task A_ranked_plate_records_intake_qc_fit_outbox_and_ranking_metrics()
    {
        var recorded = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name is "Screening" or "MassTransit")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, _, _, _) => recorded.AddOrUpdate(i.Name, 1, (_, n) => n + 1));
        listener.SetMeasurementEventCallback<int>((i, _, _, _) => recorded.AddOrUpdate(i.Name, 1, (_, n) => n + 1));
        listener.SetMeasurementEventCallback<double>((i, _, _, _) => recorded.AddOrUpdate(i.Name, 1, (_, n) => n + 1));
        listener.Start();
        var plate = TestPlates.Simulated(compounds: 2, replicates: 1)[0];

        await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(30));
        await TestPlates.WaitUntilRankedAsync(_factory.Ingestion, [plate.PlateId], TimeSpan.FromSeconds(30));
        await TestPlates.RankingAsync(_factory.Selectivity, AssayType.Binding);
        listener.RecordObservableInstruments();

        Assert.All(
            ["screening.plates.submitted", "screening.plate.z_prime", "screening.curves.fitted", "screening.plate.fit.duration",
             "screening.outbox.backlog", "screening.ranking.size"],
            name => Assert.True(recorded.ContainsKey(name), $"{name} not recorded; have {string.Join(", ", recorded.Keys.Order())}"));
    }

    private async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (_spans.Snapshot().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"span not exported in time; have:\n{Describe(_spans.Snapshot())}");
            await Task.Delay(50);
        }
    }

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> bySpan)
    {
        for (var a = span; ; a = bySpan[a.ParentSpanId])
        {
            yield return a;
            if (a.ParentSpanId == default)
            {
                yield break;
            }
        }
    }

    /// <summary>The project's spans by name; MassTransit's by role, as its names carry queue names.</summary>
    private static string Name(Activity a) => a.Source.Name == "MassTransit"
        ? a.Kind == ActivityKind.Producer ? "MassTransit producer" : $"MassTransit {a.OperationName.Split(' ')[^1]}"
        : a.DisplayName;

    private static void AssertInOrder(List<string> names, string context, params string[] expected)
    {
        var at = 0;
        foreach (var name in expected)
        {
            var found = names.IndexOf(name, at);
            Assert.True(found >= 0, $"'{name}' missing after position {at}\n{context}");
            at = found + 1;
        }
    }

    private static string? Tag(Activity a, string key) => a.GetTagItem(key)?.ToString();

    private static string Describe(IEnumerable<Activity> spans) => string.Join('\n', spans.Select(a =>
        $"{a.TraceId} {a.SpanId} <- {a.ParentSpanId} [{a.Source.Name} {a.Kind}] {a.OperationName} / {a.DisplayName}"));

    /// <summary>The exporter adds from the processor's thread while the test reads.</summary>
    private sealed class RecordedSpans : Collection<Activity>
    {
        private readonly Lock _gate = new();

        public List<Activity> Snapshot()
        {
            lock (_gate)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
