using System.ComponentModel.DataAnnotations;

namespace Screening.Fitting;

/// <summary>Section "Fitting".</summary>
public sealed class FittingOptions
{
    public const string Section = "Fitting";

    /// <summary>Plates one process fits at once (each plate's curves are fitted in parallel too).</summary>
    [Range(1, 1024)]
    public int ConcurrentPlates { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Fault injection for drills and tests: plates whose id matches this regular expression
    /// fail to fit (poison messages). Empty, the default: off.
    /// </summary>
    public string? FailPlatesMatching { get; set; }

    /// <summary>Most curves one FitCurves call may carry.</summary>
    [Range(1, 10_000_000)]
    public int MaxCurvesPerRequest { get; set; } = 100_000;
}
