using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Screening.Analysis.Plates;
using Screening.Contracts;
using Screening.Protos.V1;
using AssayType = Screening.Analysis.Plates.AssayType;
using Screening.ServiceDefaults;

namespace Screening.Selectivity;

/// <summary>
/// The rankings of both assay types, kept current plate by plate. The database stays the
/// truth: each ranking is built once from the stored curves (streamed, one compound at a
/// time), then every stored plate marks its compounds, whose summaries are recomputed from
/// their curves in batches (one query per batch of plates, in the background or before the
/// next read) and merged into the ordered snapshot. Reads therefore cost the page they show,
/// not the size of the campaign, and always include every plate stored before them.
/// One Selectivity process owns the rankings (it consumes every PlateFitted).
/// </summary>
internal sealed partial class RankingIndex : IDisposable
{
    // One gauge for the process, reading every live index (an in-process test host may hold several).
    private static readonly ConcurrentDictionary<RankingIndex, byte> Live = new();

    private static readonly ObservableGauge<int> Size = Telemetry.Meter.CreateObservableGauge(
        "screening.ranking.size",
        () => Live.Keys.SelectMany(c => c.Sizes()),
        "{compound}",
        "Compounds in the QC-passed ranking of each assay type.");

    /// <summary>Compounds per curve query (SQLite binds each as a parameter).</summary>
    private const int QueryBatch = 500;

    private readonly ResultStore _store;
    private readonly RankingFeed _feed;
    private readonly ILogger<RankingIndex> _logger;
    private readonly SemaphoreSlim _maintenance = new(1, 1);
    private readonly ConcurrentQueue<PlateFitted> _stored = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private readonly Dictionary<(AssayType, bool), Task<RankingView>> _loading = [];

    // Views that are built; written only under _maintenance, so a batch applies to exactly these.
    private readonly ConcurrentDictionary<(AssayType, bool), RankingView> _views = new();

    public RankingIndex(ResultStore store, RankingFeed feed, ILogger<RankingIndex> logger)
    {
        _store = store;
        _feed = feed;
        _logger = logger;
        _ = Size;
        Live.TryAdd(this, 0);
    }

    public void Dispose()
    {
        Live.TryRemove(this, out _);
        _maintenance.Dispose();
    }

    /// <summary>A plate's curves were stored: its compounds' standing changes (applied in the background or by the next read).</summary>
    public void PlateStored(PlateFitted plate)
    {
        _stored.Enqueue(plate);
        Wake();
    }

    /// <summary>Wakes the background updater (again, after a failed attempt).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits until a plate was stored (the background updater's signal).</summary>
    public ValueTask<bool> WaitForPlatesAsync(CancellationToken cancellationToken) => _wake.Reader.ReadAsync(cancellationToken);

    /// <summary>The ranking of one assay type, including every plate stored before the call.</summary>
    public async Task<RankingSnapshot> SnapshotAsync(AssayType assay, bool includeFailedQc, CancellationToken cancellationToken)
    {
        var view = await ViewAsync(assay, includeFailedQc, cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return view.Snapshot();
    }

    /// <summary>A compound's 0-based position in the QC-passed ranking of one assay type; null when it is not ranked there.</summary>
    public async Task<int?> PositionAsync(AssayType assay, string compoundId, CancellationToken cancellationToken)
    {
        var view = await ViewAsync(assay, includeFailedQc: false, cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return view.Locate(compoundId) is var (snapshot, entry) && snapshot.PositionOf(entry, RankingOrder.SertSelectiveFirst) is var position and >= 0
            ? position
            : null;
    }

    /// <summary>
    /// Full summaries of some compounds in both assay types, computed from their curves, with
    /// the flag for compounds whose assay types disagree.
    /// </summary>
    public async Task<Dictionary<(AssayType, string), CompoundSummary>> SummariesAsync(IReadOnlyCollection<string> compounds, bool includeFailedQc, CancellationToken cancellationToken)
    {
        var rows = new List<CurveRow>();
        foreach (var chunk in compounds.Distinct(StringComparer.Ordinal).Chunk(QueryBatch))
        {
            rows.AddRange(await _store.CurvesAsync(null, includeFailedQc, chunk, cancellationToken).ConfigureAwait(false));
        }

        var (binding, uptake) = Ranking.MarkDisagreements(
            Ranking.Summarize(rows.Where(r => r.Assay == AssayType.Binding.Name()), AssayType.Binding),
            Ranking.Summarize(rows.Where(r => r.Assay == AssayType.Uptake.Name()), AssayType.Uptake));
        return binding.Concat(uptake).ToDictionary(s => (s.Assay, s.CompoundId));
    }

    /// <summary>
    /// Applies every plate stored so far to the built rankings and tells watchers. Runs one
    /// batch at a time; a read waits for the batch in progress, then applies what is left.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (_stored.IsEmpty)
        {
            return;
        }

        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!_stored.IsEmpty)
            {
                var batch = new List<PlateFitted>();
                while (batch.Count < 1000 && _stored.TryDequeue(out var plate))
                {
                    batch.Add(plate);
                }

                try
                {
                    await ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // Nothing is lost: the plates wait for the next attempt.
                    foreach (var plate in batch)
                    {
                        _stored.Enqueue(plate);
                    }

                    throw;
                }
            }
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>Builds the QC-passed rankings now rather than on the first read.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.WhenAll(
        ViewAsync(AssayType.Binding, includeFailedQc: false, cancellationToken),
        ViewAsync(AssayType.Uptake, includeFailedQc: false, cancellationToken));

    private async Task ApplyAsync(List<PlateFitted> plates, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("ranking apply");
        activity?.SetTag("ranking.plates", plates.Count);
        var summaries = new Dictionary<(AssayType, string), CompoundSummary>();
        foreach (var group in plates.GroupBy(p => PlateVocabulary.ParseAssay(p.Assay)))
        {
            if (group.Key is not { } assay)
            {
                continue;
            }

            var compounds = group.SelectMany(p => p.Curves.Select(c => c.CompoundId)).Distinct(StringComparer.Ordinal).ToArray();
            var withFailed = _views.TryGetValue((assay, true), out var failedView);
            var rows = new List<CurveRow>(compounds.Length * 4);
            foreach (var chunk in compounds.Chunk(QueryBatch))
            {
                rows.AddRange(await _store.CurvesAsync(assay.Name(), withFailed, chunk, cancellationToken).ConfigureAwait(false));
            }

            var passed = Ranking.Summarize(rows.Where(r => r.QcPassed), assay).ToDictionary(s => s.CompoundId, StringComparer.Ordinal);
            var all = withFailed ? Ranking.Summarize(rows, assay).ToDictionary(s => s.CompoundId, StringComparer.Ordinal) : null;
            _views.TryGetValue((assay, false), out var passedView);
            foreach (var compound in compounds)
            {
                var summary = passed.GetValueOrDefault(compound);
                passedView?.Apply(compound, summary is null ? null : RankPoint.Of(summary));
                if (all is not null)
                {
                    failedView!.Apply(compound, all.TryGetValue(compound, out var s) ? RankPoint.Of(s) : null);
                }

                if (summary is not null)
                {
                    summaries[(assay, compound)] = summary;
                }
            }
        }

        if (!_feed.HasWatchers)
        {
            return;
        }

        foreach (var plate in plates)
        {
            if (PlateVocabulary.ParseAssay(plate.Assay) is not { } assay)
            {
                continue;
            }

            var update = new RankingUpdate
            {
                PlateId = plate.PlateId,
                Target = (PlateVocabulary.ParseTarget(plate.Target) ?? default).ToProto(),
                Assay = assay.ToProto(),
                RankedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            };
            foreach (var compound in plate.Curves.Select(c => c.CompoundId).Distinct(StringComparer.Ordinal))
            {
                if (summaries.TryGetValue((assay, compound), out var summary))
                {
                    update.Compounds.Add(Ranking.ToProto(summary, 0));
                }
            }

            _feed.Publish(update);
        }
    }

    private Task<RankingView> ViewAsync(AssayType assay, bool includeFailedQc, CancellationToken cancellationToken)
    {
        if (_views.TryGetValue((assay, includeFailedQc), out var built))
        {
            return Task.FromResult(built);
        }

        Task<RankingView> loading;
        lock (_gate)
        {
            if (!_loading.TryGetValue((assay, includeFailedQc), out loading!) || loading.IsFaulted || loading.IsCanceled)
            {
                // Shared by every caller: not cancelled by the one that happened to start it.
                loading = LoadAsync(assay, includeFailedQc);
                _loading[(assay, includeFailedQc)] = loading;
            }
        }

        return loading.WaitAsync(cancellationToken);
    }

    private async Task<RankingView> LoadAsync(AssayType assay, bool includeFailedQc)
    {
        // Under the maintenance lock: plates stored before the load are in what it reads;
        // later ones are still queued and reach the view once it is built.
        await _maintenance.WaitAsync().ConfigureAwait(false);
        try
        {
            using var activity = Telemetry.Source.StartActivity("ranking build");
            activity?.SetTag("plate.assay", assay.Name()).SetTag("ranking.include_failed_qc", includeFailedQc);
            var started = TimeProvider.System.GetTimestamp();
            var view = new RankingView(await EntriesAsync(assay, includeFailedQc).ConfigureAwait(false));
            _views[(assay, includeFailedQc)] = view;
            var milliseconds = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
            var name = assay.Name();
            LogBuilt(_logger, name, includeFailedQc, view.Count, milliseconds);
            return view;
        }
        finally
        {
            _maintenance.Release();
        }
    }

    private async Task<List<RankEntry>> EntriesAsync(AssayType assay, bool includeFailedQc)
    {
        // The database streams one compound after another; summarizing them (aggregates, the
        // fold's t interval) is the larger cost, so chunks of compounds are summarized on the
        // other cores while reading goes on, with a bounded number of chunks in flight.
        const int ChunkCompounds = 4096;
        var entries = new List<RankEntry>();
        var inFlight = new Queue<Task<RankEntry[]>>();
        var chunk = new List<CurveRow[]>(ChunkCompounds);
        var compound = new List<CurveRow>();

        async Task FlushAsync()
        {
            var groups = chunk;
            chunk = new List<CurveRow[]>(ChunkCompounds);
            inFlight.Enqueue(Task.Run(() => groups.Select(g => Entry(g, assay)).ToArray()));
            while (inFlight.Count > Environment.ProcessorCount)
            {
                entries.AddRange(await inFlight.Dequeue().ConfigureAwait(false));
            }
        }

        await foreach (var row in _store.AllCurvesAsync(assay.Name(), includeFailedQc, CancellationToken.None).ConfigureAwait(false))
        {
            if (compound.Count > 0 && !string.Equals(compound[0].CompoundId, row.CompoundId, StringComparison.Ordinal))
            {
                chunk.Add([.. compound]);
                compound.Clear();
                if (chunk.Count == ChunkCompounds)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }

            compound.Add(row);
        }

        if (compound.Count > 0)
        {
            chunk.Add([.. compound]);
        }

        await FlushAsync().ConfigureAwait(false);
        while (inFlight.Count > 0)
        {
            entries.AddRange(await inFlight.Dequeue().ConfigureAwait(false));
        }

        return entries;
    }

    private static RankEntry Entry(CurveRow[] rows, AssayType assay)
    {
        var summary = Ranking.SummarizeCompound(rows[0].CompoundId, rows, assay);
        return new RankEntry(summary.CompoundId, RankPoint.Of(summary));
    }

    private IEnumerable<Measurement<int>> Sizes()
    {
        foreach (var assay in new[] { AssayType.Binding, AssayType.Uptake })
        {
            if (_views.TryGetValue((assay, false), out var view))
            {
                yield return new Measurement<int>(view.Count, new KeyValuePair<string, object?>("plate.assay", assay.Name()));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ranking of {Assay} (failed QC included: {IncludeFailedQc}) built: {Compounds} compounds in {Milliseconds:F0} ms")]
    private static partial void LogBuilt(ILogger logger, string assay, bool includeFailedQc, int compounds, double milliseconds);
}

/// <summary>Builds the rankings at start and applies stored plates as they come, so reads rarely find work left.</summary>
internal sealed partial class RankingUpdater(RankingIndex index, ILogger<RankingUpdater> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await index.WarmUpAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The first read builds them instead.
            LogFailed(logger, e);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await index.WaitForPlatesAsync(stoppingToken).ConfigureAwait(false);
                await index.CatchUpAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
                index.Wake();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ranking update failed; the plates stay queued and are applied on the next attempt or read")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
