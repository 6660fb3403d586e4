namespace Screening.Analysis.Plates;

/// <summary>The words plate files and bus messages use for targets, assays and roles (plate-csv.md).</summary>
public static class PlateVocabulary
{
    public static string Name(this Target target) => target switch
    {
        Target.Sert => "SERT",
        Target.Net => "NET",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };

    public static string Name(this AssayType assay) => assay switch
    {
        AssayType.Binding => "binding",
        AssayType.Uptake => "uptake",
        _ => throw new ArgumentOutOfRangeException(nameof(assay), assay, null),
    };

    public static string Name(this WellRole role) => role switch
    {
        WellRole.Sample => "sample",
        WellRole.Total => "total",
        WellRole.Nsb => "nsb",
        WellRole.Empty => "empty",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static Target? ParseTarget(string? text) =>
        string.Equals(text, "SERT", StringComparison.OrdinalIgnoreCase) ? Target.Sert
        : string.Equals(text, "NET", StringComparison.OrdinalIgnoreCase) ? Target.Net
        : null;

    public static AssayType? ParseAssay(string? text) =>
        string.Equals(text, "binding", StringComparison.OrdinalIgnoreCase) ? AssayType.Binding
        : string.Equals(text, "uptake", StringComparison.OrdinalIgnoreCase) ? AssayType.Uptake
        : null;

    public static WellRole? ParseRole(string? text) => text?.ToUpperInvariant() switch
    {
        "SAMPLE" => WellRole.Sample,
        "TOTAL" => WellRole.Total,
        "NSB" => WellRole.Nsb,
        "EMPTY" => WellRole.Empty,
        _ => null,
    };
}
