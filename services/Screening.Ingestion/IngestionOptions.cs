using System.ComponentModel.DataAnnotations;

namespace Screening.Ingestion;

/// <summary>Section "Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Plates with Z' below this are kept, marked failed QC, and left out of rankings.</summary>
    [Range(-10.0, 1.0)]
    public double ZPrimeThreshold { get; set; } = 0.5;

    /// <summary>Most plates one SubmitPlates stream may carry.</summary>
    [Range(1, 1_000_000)]
    public int MaxPlatesPerStream { get; set; } = 10_000;

    /// <summary>Most bytes one SubmitPlates stream may carry (about 2,000 384-well plates by default).</summary>
    [Range(1, long.MaxValue)]
    public long MaxStreamBytes { get; set; } = 256L * 1024 * 1024;
}
