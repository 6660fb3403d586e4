namespace Screening.Contracts;

// Bus messages between the services. Plain data only (strings, numbers, arrays)
// so that every service can read them without the analysis library's types.
// Targets are "SERT"/"NET", assays "binding"/"uptake", qualifiers "=", ">", "<".

/// <summary>One well of an accepted plate, as carried to Fitting.</summary>
public sealed record WellReading(
    string Well,
    string Role,
    string? CompoundId,
    double? ConcentrationNm,
    double Signal);

/// <summary>
/// Ingestion has stored a plate that passed validation. Published from the outbox after
/// the plate is committed; carries everything Fitting needs, so Fitting never reads
/// Ingestion's database. <see cref="Revision"/> starts at 1 and grows each time the plate
/// is replaced, so a late message about older content can be recognised and ignored.
/// </summary>
public sealed record PlateAccepted(
    string PlateId,
    int Revision,
    string ContentHash,
    string Target,
    string Assay,
    int PlateFormat,
    double? LigandNm,
    double? LigandKdNm,
    double ZPrime,
    bool QcPassed,
    IReadOnlyList<WellReading> Wells,
    DateTimeOffset AcceptedAt);

/// <summary>The fit of one compound's curve on one plate.</summary>
public sealed record CurveResult(
    string CompoundId,
    string Status,
    double Bottom,
    double Top,
    double LogIC50,
    double HillSlope,
    double BottomSe,
    double TopSe,
    double LogIC50Se,
    double HillSlopeSe,
    double SumOfSquares,
    int DegreesOfFreedom,
    int Points,
    double RSquared,
    double MinTestedNm,
    double MaxTestedNm,
    string Ic50Qualifier,
    double Ic50Nm,
    double Ic50Ci95LowNm,
    double Ic50Ci95HighNm,
    double? KiNm,
    double? KiCi95LowNm,
    double? KiCi95HighNm,
    IReadOnlyList<string> Flags,
    string HillModel,
    double? HillFStatistic,
    double? HillPValue,
    string CurveClass,
    IReadOnlyList<string> MaskedWells,
    IReadOnlyList<double>? LogMolar = null,
    IReadOnlyList<double>? Response = null,
    IReadOnlyList<int>? MaskedPoints = null);

/// <summary>Fitting has fitted every curve of a plate.</summary>
public sealed record PlateFitted(
    string PlateId,
    int Revision,
    string ContentHash,
    string Target,
    string Assay,
    double ZPrime,
    bool QcPassed,
    double? LigandNm,
    double? LigandKdNm,
    IReadOnlyList<CurveResult> Curves,
    DateTimeOffset FittedAt);

/// <summary>Selectivity has stored a plate's curves and updated the ranking.</summary>
public sealed record PlateRanked(
    string PlateId,
    string ContentHash,
    int CurveCount,
    bool IncludedInRanking,
    DateTimeOffset RankedAt);
