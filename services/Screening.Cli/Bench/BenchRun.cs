using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Screening.Cli.Submission;
using Screening.Protos.V1;

namespace Screening.Cli.Bench;

/// <summary>How hard to push: concurrent SubmitPlate calls, an optional plates-per-second cap, and how long to wait for the ranking.</summary>
internal sealed record BenchLoad(int Concurrency, double? PlatesPerSecond, TimeSpan Timeout);

/// <summary>What one phase of a bench measured.</summary>
internal sealed record BenchRunResult(
    IReadOnlyList<BenchPlateRecord> Plates,
    long LastFinished,
    int ThrottledRetries,
    IReadOnlyList<string> Rejections,
    bool TimedOut);

/// <summary>
/// Submits a campaign with <see cref="BenchLoad.Concurrency"/> SubmitPlate calls in flight and waits
/// until every accepted plate is ranked: by its RankingUpdate on the <see cref="RankingWatch"/>, or, when
/// none comes, by Ingestion's status (RANKED or FAILED_QC: ranked; FAILED: fitting gave up and no
/// update will ever come).
/// </summary>
internal static class BenchRun
{
    /// <summary>No plate finished for this long: ask Ingestion about the waiting ones.</summary>
    private static readonly TimeSpan QuietBeforeSweep = TimeSpan.FromSeconds(2);

    /// <summary>Oldest waiting plates asked about per sweep.</summary>
    private const int SweepBatch = 256;

    private const int MaxThrottledAttempts = 100;

    private static readonly TimeSpan ThrottleBackoff = TimeSpan.FromMilliseconds(100);

    public static async Task<BenchRunResult> RunAsync(ServerConnection ingestion, RankingWatch watch, BenchCampaign campaign, BenchLoad load,
        Func<string, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingestion);
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(load);
        var ledger = new BenchLedger(campaign.Plates.Select(p => p.PlateId).ToArray());
        watch.Ledger = ledger;
        var rejections = new ConcurrentQueue<string>();
        var throttled = 0;

        using (var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var reporter = ReportProgressAsync(ledger, progress, reporting.Token);
            try
            {
                await SubmitAllAsync(ingestion, campaign, load, ledger, rejections, () => Interlocked.Increment(ref throttled), cancellationToken).ConfigureAwait(false);
                var timedOut = !await WaitAsync(ingestion, watch, ledger, load.Timeout, cancellationToken).ConfigureAwait(false);
                return new BenchRunResult(ledger.Snapshot(), ledger.LastProgress, throttled, rejections.ToArray(), timedOut);
            }
            finally
            {
                await reporting.CancelAsync().ConfigureAwait(false);
                await reporter.ConfigureAwait(false);
            }
        }
    }

    private static async Task SubmitAllAsync(ServerConnection ingestion, BenchCampaign campaign, BenchLoad load, BenchLedger ledger,
        ConcurrentQueue<string> rejections, Action throttled, CancellationToken cancellationToken)
    {
        // The first submitter that fails stops the others.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var ticksPerPlate = load.PlatesPerSecond is { } rate ? Stopwatch.Frequency / rate : 0;

        async Task SubmitterAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < campaign.Plates.Count)
            {
                if (ticksPerPlate > 0)
                {
                    // Open loop: plate i is due at start + i / rate, however long earlier calls took.
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start + (long)(i * ticksPerPlate));
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, failed.Token).ConfigureAwait(false);
                    }
                }

                await SubmitAsync(ingestion, campaign.Plates[i], i, ledger, rejections, throttled, failed.Token).ConfigureAwait(false);
            }
        }

        var submitters = Enumerable.Range(0, load.Concurrency).Select(_ => Task.Run(async () =>
        {
            try
            {
                await SubmitterAsync().ConfigureAwait(false);
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(submitters).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // One submitter failed and cancelled the rest: its failure is the one to report.
            throw submitters.Where(s => s.IsFaulted).SelectMany(s => s.Exception!.InnerExceptions).OfType<CliException>().FirstOrDefault()
                ?? new CliException("a submitter stopped without a reason");
        }
    }

    private static async Task SubmitAsync(ServerConnection ingestion, Plate plate, int index, BenchLedger ledger,
        ConcurrentQueue<string> rejections, Action throttled, CancellationToken cancellationToken)
    {
        var request = new SubmitPlateRequest { Plate = plate };
        for (var attempt = 1; ; attempt++)
        {
            ledger.Sent(index, Stopwatch.GetTimestamp());
            try
            {
                var response = await ingestion.Ingestion.SubmitPlateAsync(request, ServerConnection.Options(cancellationToken)).ConfigureAwait(false);
                ledger.Accepted(index, Stopwatch.GetTimestamp(), response.Duplicate, response.Quality is { Passed: false });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && attempt < MaxThrottledAttempts)
            {
                // Over the caller's submission rate: slow down and send again (resubmission is safe).
                throttled();
                await Task.Delay(ThrottleBackoff, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.AlreadyExists)
            {
                ledger.Rejected(index);
                rejections.Enqueue($"{plate.PlateId}: {e.StatusCode}: {e.Status.Detail}");
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (RpcException e)
            {
                throw ingestion.Translate(e, ServerConnection.CallTimeout);
            }
        }
    }

    /// <summary>True when every accepted plate finished before <paramref name="timeout"/>.</summary>
    private static async Task<bool> WaitAsync(ServerConnection ingestion, RankingWatch watch, BenchLedger ledger, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var submitted = Stopwatch.GetTimestamp();
        var lastSweep = submitted;
        while (ledger.Outstanding > 0)
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(submitted, now) > timeout)
            {
                return false;
            }

            var quiet = Stopwatch.GetElapsedTime(Math.Max(ledger.LastProgress, lastSweep), now) > QuietBeforeSweep;
            if (quiet || (watch.Failure is not null && Stopwatch.GetElapsedTime(lastSweep, now) > TimeSpan.FromSeconds(1)))
            {
                await SweepAsync(ingestion, ledger, cancellationToken).ConfigureAwait(false);
                lastSweep = Stopwatch.GetTimestamp();
                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Asks Ingestion about the oldest waiting plates (a few at a time, not to load the server being measured).</summary>
    private static async Task SweepAsync(ServerConnection ingestion, BenchLedger ledger, CancellationToken cancellationToken)
    {
        var oldest = ledger.Waiting().Take(SweepBatch);
        await Parallel.ForEachAsync(oldest, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (plate, token) =>
        {
            var status = await ingestion.CallAsync(
                options => ingestion.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = ledger.PlateIds[plate] }, options), token).ConfigureAwait(false);
            if (PlateProgress.IsFinished(status.Status))
            {
                ledger.Swept(plate, status.Status == PlateStatus.Failed, Stopwatch.GetTimestamp());
            }
        }).ConfigureAwait(false);
    }

    private static async Task ReportProgressAsync(BenchLedger ledger, Func<string, Task>? progress, CancellationToken cancellationToken)
    {
        if (progress is null)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                var states = ledger.Snapshot();
                var sent = states.Count(p => p.State != BenchPlateState.NotSent);
                await progress(FormattableString.Invariant(
                    $"  ... {sent} of {ledger.Count} sent, {ledger.Finished} ranked, {ledger.Outstanding} accepted and waiting")).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The phase is over.
        }
    }
}
