using Screening.Protos.V1;

namespace Screening.Cli.Submission;

/// <summary>Follows accepted plates through fitting and ranking by polling GetPlate.</summary>
internal static class PlateProgress
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Two minutes, plus a little per plate for big panels.</summary>
    public static TimeSpan Timeout(int plates) => TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(0.25 * plates);

    public static bool IsFinished(PlateStatus status) =>
        status is PlateStatus.Ranked or PlateStatus.FailedQc or PlateStatus.Failed;

    /// <summary>
    /// Waits until every plate is RANKED, FAILED_QC or FAILED. Plates finish roughly in the order they were sent,
    /// so each round asks about the pending plates in order and stops at the first unfinished one.
    /// </summary>
    public static async Task<IReadOnlyList<GetPlateResponse>> WaitAsync(ServerConnection server, IReadOnlyList<string> plateIds,
        TimeSpan timeout, Action<int>? finished, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(plateIds);
        var deadline = DateTime.UtcNow + timeout;
        var pending = new List<string>(plateIds.Distinct(StringComparer.Ordinal));
        var total = pending.Count;
        var done = new List<GetPlateResponse>(total);
        while (pending.Count > 0)
        {
            var stillPending = new List<string>(pending.Count);
            var blocked = false;
            foreach (var id in pending)
            {
                if (blocked)
                {
                    stillPending.Add(id);
                    continue;
                }

                var plate = await server.CallAsync(
                    options => server.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = id }, options), cancellationToken).ConfigureAwait(false);
                if (IsFinished(plate.Status))
                {
                    done.Add(plate);
                }
                else
                {
                    stillPending.Add(id);
                    blocked = true;
                }
            }

            pending = stillPending;
            finished?.Invoke(done.Count);
            if (pending.Count == 0)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CliException(
                    $"timed out after {timeout.TotalSeconds:0} s waiting for plates to be fitted and ranked: {done.Count} of {total} finished, still waiting for {pending[0]} and {pending.Count - 1} more");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return done;
    }
}
