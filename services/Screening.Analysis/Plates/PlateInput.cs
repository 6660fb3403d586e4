namespace Screening.Analysis.Plates;

/// <summary>
/// A plate as submitted, before any rule is checked: what the CSV reader and the
/// gRPC service both hand to <see cref="PlateRules.Validate"/>. Null means "absent".
/// </summary>
public sealed record PlateInput(
    string PlateId,
    Target? Target,
    AssayType? Assay,
    int? Format,
    double? LigandNm,
    double? LigandKdNm,
    IReadOnlyList<WellInput> Wells);

/// <summary>One well as submitted. <see cref="Role"/> null means missing or unknown.</summary>
public sealed record WellInput(
    string Well,
    WellRole? Role,
    string? CompoundId,
    double? ConcentrationNm,
    double? Signal);

/// <summary>The field of a plate that a violation is about; maps to a CSV column and a gRPC field.</summary>
public enum PlateField
{
    PlateId,
    Target,
    Assay,
    PlateFormat,
    LigandNm,
    LigandKdNm,
    Wells,
    Well,
    Role,
    CompoundId,
    ConcentrationNm,
    Signal,
}

/// <summary>
/// One broken rule. <see cref="WellIndex"/> is the position in <see cref="PlateInput.Wells"/>
/// (so a CSV reader can name the line, and gRPC the repeated-field index); null for plate-level rules.
/// </summary>
public sealed record PlateViolation(PlateField Field, int? WellIndex, string? Well, string Message);
