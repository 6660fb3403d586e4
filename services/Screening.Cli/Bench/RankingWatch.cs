using System.Diagnostics;
using Grpc.Core;
using Screening.Protos.V1;

namespace Screening.Cli.Bench;

/// <summary>
/// One WatchRanking stream for the whole bench, opened before anything is submitted: stamps each
/// RankingUpdate the moment it arrives and hands it to the ledger of the phase being measured.
/// Selectivity drops the oldest updates of a watcher that falls 256 behind, so this loop does nothing
/// else; a plate whose update never comes is found by <see cref="BenchRun"/>'s status sweep.
/// </summary>
internal sealed class RankingWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _reading;
    private BenchLedger? _ledger;
    private int _updates;

    private RankingWatch(ServerConnection selectivity, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _reading = ReadAsync(selectivity, lifetime);
    }

    /// <summary>Why the stream ended before the bench did; null while it runs.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Updates received, this run's or anyone's.</summary>
    public int Updates => Volatile.Read(ref _updates);

    /// <summary>The ledger that receives updates from now on.</summary>
    public BenchLedger? Ledger
    {
        get => Volatile.Read(ref _ledger);
        set => Volatile.Write(ref _ledger, value);
    }

    public static RankingWatch Start(ServerConnection selectivity, TimeSpan lifetime, CancellationToken cancellationToken) =>
        new(selectivity, lifetime, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReadAsync(ServerConnection selectivity, TimeSpan lifetime)
    {
        // Off the caller's context: the first MoveNext would otherwise run on the submitting thread.
        await Task.Yield();
        try
        {
            using var call = selectivity.Selectivity.WatchRanking(new WatchRankingRequest(), ServerConnection.Options(_stop.Token, lifetime));
            while (await call.ResponseStream.MoveNext(_stop.Token).ConfigureAwait(false))
            {
                var at = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _updates);
                Ledger?.RankingUpdate(call.ResponseStream.Current.PlateId, at);
            }

            Failure = new CliException($"the ranking stream of {selectivity.Display} ended before every plate was ranked");
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            // The bench is over (or interrupted).
        }
        catch (RpcException e)
        {
            Failure = selectivity.Translate(e, lifetime);
        }
    }
}
