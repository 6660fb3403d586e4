namespace Screening.Analysis.Plates;

/// <summary>The transporter a plate was run against.</summary>
public enum Target
{
    Sert = 1,
    Net = 2,
}

/// <summary>Radioligand competition binding, or functional reuptake inhibition.</summary>
public enum AssayType
{
    Binding = 1,
    Uptake = 2,
}

/// <summary>What a well holds (plate-csv.md, "Roles").</summary>
public enum WellRole
{
    /// <summary>A test compound at a concentration.</summary>
    Sample = 1,

    /// <summary>Vehicle only: total binding or uptake, 0 % inhibition.</summary>
    Total = 2,

    /// <summary>Non-specific binding or uptake (saturating reference blocker), 100 % inhibition.</summary>
    Nsb = 3,

    /// <summary>No content; only checked for layout.</summary>
    Empty = 4,
}

/// <summary>One validated well of a plate. <see cref="Signal"/> is NaN for empty wells.</summary>
public sealed record WellRead(
    WellPosition Position,
    WellRole Role,
    string? CompoundId,
    double? ConcentrationNm,
    double Signal);

/// <summary>
/// A validated plate read: every rule of plate-csv.md holds. Build one only through
/// <see cref="PlateRules.Validate"/>.
/// </summary>
public sealed record PlateRead(
    string PlateId,
    Target Target,
    AssayType Assay,
    PlateFormat Format,
    double? LigandNm,
    double? LigandKdNm,
    IReadOnlyList<WellRead> Wells);
