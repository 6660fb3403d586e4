using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Screening.Cli.Bench;

/// <summary>Nearest-rank percentiles of a latency, in milliseconds (null without samples).</summary>
internal sealed record LatencySummary(int Count, double? P50, double? P95, double? P99, double? Max)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double? At(double percent) => sorted.Length == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, At(50), At(95), At(99), sorted.Length == 0 ? null : sorted[^1]);
    }
}

/// <summary>Where the bench ran and with what load.</summary>
internal sealed record BenchSetup(
    string RunId,
    string Server,
    string Selectivity,
    bool Embedded,
    int PlateFormat,
    int Concurrency,
    double? RateLimitPlatesPerSecond,
    int WarmupPlates,
    double? WarmupSeconds);

/// <summary>Everything `screen bench` measured; printed as text or, with --json, as this record in snake_case.</summary>
internal sealed record BenchReport(
    BenchSetup Setup,
    int Plates,
    int Compounds,
    int Curves,
    double PlatesMegabytes,
    int Submitted,
    int Accepted,
    int Duplicates,
    int BelowQcThreshold,
    int Rejected,
    IReadOnlyList<string> Rejections,
    int ThrottledRetries,
    int Ranked,
    int RankedWithoutUpdate,
    int Failed,
    int Missing,
    bool TimedOut,
    double SubmitSeconds,
    double EndToEndSeconds,
    double AcceptedPlatesPerSecond,
    double EndToEndPlatesPerSecond,
    double FittedCurvesPerSecond,
    LatencySummary SubmitPlateLatencyMs,
    LatencySummary SubmitToRankedLatencyMs,
    IReadOnlyList<ProcessUsage> Processes,
    string? ProcessNote,
    string? StreamFailure,
    double? LoadAverageAtStart,
    double? LoadAverageAtEnd)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Every plate finished ranked: none rejected, failed, missing or left waiting.</summary>
    public bool Complete => Rejected == 0 && Failed == 0 && Missing == 0 && !TimedOut && Ranked + RankedWithoutUpdate + Duplicates == Plates;

    public static BenchReport From(BenchSetup setup, BenchCampaign campaign, BenchRunResult run, IReadOnlyList<ProcessUsage> processes,
        string? processNote, string? streamFailure, double? loadAtStart, double? loadAtEnd)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(run);
        var plates = run.Plates;
        int Count(params BenchPlateState[] states) => plates.Count(p => states.Contains(p.State));
        static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

        var sent = plates.Where(p => p.Submitted != 0).ToArray();
        var first = sent.Length == 0 ? 0 : sent.Min(p => p.Submitted);
        var acceptedPlates = plates.Where(p => p.Accepted != 0).ToArray();
        var submitSeconds = acceptedPlates.Length == 0 ? 0 : Milliseconds(first, acceptedPlates.Max(p => p.Accepted)) / 1000;
        var ranked = plates.Where(p => p.State == BenchPlateState.Ranked).ToArray();
        var finished = plates.Where(p => p.State is BenchPlateState.Ranked or BenchPlateState.RankedUnseen or BenchPlateState.Failed).ToArray();
        var lastFinished = Math.Max(run.LastFinished, ranked.Length == 0 ? 0 : ranked.Max(p => p.Ranked));
        var endToEndSeconds = finished.Length == 0 ? 0 : Milliseconds(first, lastFinished) / 1000;
        var curves = plates.Select((p, i) => p.State is BenchPlateState.Ranked or BenchPlateState.RankedUnseen ? campaign.Curves[i] : 0).Sum();

        return new BenchReport(
            setup,
            Plates: plates.Count,
            Compounds: campaign.Compounds,
            Curves: campaign.TotalCurves,
            PlatesMegabytes: campaign.Bytes / 1e6,
            Submitted: sent.Length,
            Accepted: acceptedPlates.Length - Count(BenchPlateState.Duplicate),
            Duplicates: Count(BenchPlateState.Duplicate),
            BelowQcThreshold: plates.Count(p => p.BelowQc),
            Rejected: Count(BenchPlateState.Rejected),
            Rejections: run.Rejections.Take(10).ToArray(),
            ThrottledRetries: run.ThrottledRetries,
            Ranked: ranked.Length,
            RankedWithoutUpdate: Count(BenchPlateState.RankedUnseen),
            Failed: Count(BenchPlateState.Failed),
            Missing: Count(BenchPlateState.Accepted, BenchPlateState.InFlight, BenchPlateState.NotSent),
            run.TimedOut,
            submitSeconds,
            endToEndSeconds,
            AcceptedPlatesPerSecond: submitSeconds > 0 ? (acceptedPlates.Length - Count(BenchPlateState.Duplicate)) / submitSeconds : 0,
            EndToEndPlatesPerSecond: endToEndSeconds > 0 ? finished.Length / endToEndSeconds : 0,
            FittedCurvesPerSecond: endToEndSeconds > 0 ? curves / endToEndSeconds : 0,
            LatencySummary.Of(acceptedPlates.Select(p => Milliseconds(p.Submitted, p.Accepted))),
            LatencySummary.Of(ranked.Select(p => Milliseconds(p.Submitted, p.Ranked))),
            processes,
            processNote,
            streamFailure,
            loadAtStart,
            loadAtEnd);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToText()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        var cap = Setup.RateLimitPlatesPerSecond is { } r ? Invariant($"at most {r:0.#} plates/s") : "no rate cap";
        Line($"plates      {Submitted} submitted, {Accepted} accepted ({BelowQcThreshold} below the Z' threshold), {Duplicates} duplicate, {Rejected} rejected, {ThrottledRetries} throttled retries");
        foreach (var rejection in Rejections)
        {
            Line($"            rejected {rejection}");
        }

        Line($"ranked      {Ranked + RankedWithoutUpdate} of {Accepted} ({RankedWithoutUpdate} without an update seen, {Failed} failed, {Missing} missing{(TimedOut ? ": timed out" : string.Empty)})");
        Line($"time        submission {SubmitSeconds:0.00} s; first submit to last ranked {EndToEndSeconds:0.00} s ({Setup.Concurrency} concurrent submitters, {cap})");
        Line($"throughput  {AcceptedPlatesPerSecond:0.0} accepted plates/s while submitting; end to end {EndToEndPlatesPerSecond:0.0} plates/s, {FittedCurvesPerSecond:N0} fitted curves/s");
        if (StreamFailure is not null)
        {
            Line($"            the ranking stream failed ({StreamFailure}): plates after that were followed by their status, without a latency");
        }

        Line($"latency     SubmitPlate       {Describe(SubmitPlateLatencyMs)}");
        Line($"            submit-to-ranked  {Describe(SubmitToRankedLatencyMs)}");
        text.AppendLine();
        if (Processes.Count > 0)
        {
            static string Label(ProcessUsage p) => p.Processes > 1 ? Invariant($"{p.Label} ({p.Processes} processes)") : p.Label;
            var width = Math.Max(7, Processes.Max(p => Label(p).Length));
            var finished = Math.Max(1, Ranked + RankedWithoutUpdate + Failed);
            Line($"{"process".PadRight(width)}  {"pid",7}  {"CPU s",8}  {"CPU ms/plate",12}  {"cores",5}  {"peak RSS MB",11}  {"RSS MB",7}");
            foreach (var p in Processes)
            {
                Line($"{Label(p).PadRight(width)}  {p.Pid,7}  {p.CpuSeconds,8:0.0}  {1000 * p.CpuSeconds / finished,12:0.0}  {(EndToEndSeconds > 0 ? p.CpuSeconds / EndToEndSeconds : 0),5:0.00}  {p.PeakResidentBytes / 1e6,11:0}  {p.ResidentBytes / 1e6,7:0}");
            }
        }

        if (ProcessNote is not null)
        {
            Line($"{ProcessNote}");
        }

        if (LoadAverageAtStart is { } start && LoadAverageAtEnd is { } end)
        {
            Line($"load average (1 min): {start:0.00} at the start, {end:0.00} at the end");
        }

        return text.ToString();
    }

    private static string Describe(LatencySummary latency) =>
        latency.Count == 0
            ? "no samples"
            : Invariant($"p50 {Ms(latency.P50)}  p95 {Ms(latency.P95)}  p99 {Ms(latency.P99)}  max {Ms(latency.Max)}  ({latency.Count} plates)");

    private static string Ms(double? milliseconds) => milliseconds is not { } ms
        ? "–"
        : ms >= 10_000 ? Invariant($"{ms / 1000:0.0} s") : Invariant($"{ms:0} ms");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
