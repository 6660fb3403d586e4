using System.Globalization;

namespace Screening.Analysis.Plates;

/// <summary>The outcome of <see cref="PlateRules.Validate"/>: <see cref="Plate"/> is non-null iff there are no violations.</summary>
public sealed record PlateValidation(PlateRead? Plate, IReadOnlyList<PlateViolation> Violations)
{
    public bool IsValid => Plate is not null;
}

/// <summary>
/// Every rule of plate-csv.md that concerns content rather than CSV syntax. The CSV reader and the
/// gRPC service both build a <see cref="PlateInput"/> and pass it here, so the rules exist once.
/// </summary>
public static class PlateRules
{
    public const int MinTotalWells = 2;
    public const int MinNsbWells = 2;
    public const int MaxIdentifierLength = 64;

    /// <summary>A plate with thousands of bad wells gets this many violations, then one saying there are more.</summary>
    public const int MaxViolations = 100;

    /// <summary>plate_id and compound_id: 1-64 chars of A-Z a-z 0-9 - _ .</summary>
    public static bool IsValidIdentifier(string? id) =>
        !string.IsNullOrEmpty(id)
        && id.Length <= MaxIdentifierLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static PlateValidation Validate(PlateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var violations = new ViolationList();

        if (string.IsNullOrEmpty(input.PlateId))
        {
            violations.Add(PlateField.PlateId, null, null, "plate_id is required");
        }
        else if (!IsValidIdentifier(input.PlateId))
        {
            violations.Add(PlateField.PlateId, null, null,
                $"plate_id must be 1-{MaxIdentifierLength} characters of A-Z a-z 0-9 - _ . , got {Quote(input.PlateId)}");
        }

        if (input.Target is not { } target || !Enum.IsDefined(target))
        {
            violations.Add(PlateField.Target, null, null,
                input.Target is null ? "target is required (SERT or NET)" : $"target {input.Target} is not a known target");
        }

        if (input.Assay is not { } assay || !Enum.IsDefined(assay))
        {
            violations.Add(PlateField.Assay, null, null,
                input.Assay is null ? "assay is required (binding or uptake)" : $"assay {input.Assay} is not a known assay");
        }

        PlateFormat? declaredFormat = null;
        var formatValid = true;
        if (input.Format is { } wells && wells != 0)
        {
            if (PlateFormats.TryFromWellCount(wells, out var f))
            {
                declaredFormat = f;
            }
            else
            {
                formatValid = false;
                violations.Add(PlateField.PlateFormat, null, null,
                    $"plate_format must be 96, 384 or 1536, got {wells.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        CheckLigand(input, violations);

        var wellsIn = input.Wells ?? [];
        var positions = new WellPosition?[wellsIn.Count];
        var firstIndexOf = new Dictionary<WellPosition, int>();
        for (var i = 0; i < wellsIn.Count; i++)
        {
            var well = wellsIn[i];
            if (well is null)
            {
                violations.Add(PlateField.Well, i, null, $"well #{i + 1}: entry is missing");
                continue;
            }

            if (string.IsNullOrWhiteSpace(well.Well))
            {
                violations.Add(PlateField.Well, i, well.Well, $"well #{i + 1}: well id is required");
            }
            else if (!WellPosition.TryParse(well.Well, out var p))
            {
                violations.Add(PlateField.Well, i, well.Well,
                    $"well #{i + 1}: {Quote(well.Well)} is not a well id (A1..P24 style, rows A-Z then AA-AF, columns 1-48)");
            }
            else if (firstIndexOf.TryGetValue(p, out var first))
            {
                violations.Add(PlateField.Well, i, well.Well,
                    $"well {p}: listed more than once" + (string.Equals(wellsIn[first].Well, well.Well, StringComparison.Ordinal)
                        ? string.Empty : $" (also as {Quote(wellsIn[first].Well)})"));
            }
            else
            {
                firstIndexOf[p] = i;
                positions[i] = p;
            }

            CheckWellContent(well, i, Label(well, positions[i], i), violations);
        }

        var format = declaredFormat;
        if (formatValid && format is null)
        {
            format = PlateFormats.Smallest(firstIndexOf.Keys);
        }

        if (format is { } fmt)
        {
            for (var i = 0; i < wellsIn.Count; i++)
            {
                if (positions[i] is { } p && !PlateFormats.Contains(fmt, p))
                {
                    violations.Add(PlateField.Well, i, wellsIn[i].Well,
                        $"well {p}: outside a {(int)fmt}-well plate ({PlateFormats.Range(fmt)})");
                }
            }
        }

        CountRoles(wellsIn, violations);

        if (violations.Count > 0)
        {
            return new PlateValidation(null, violations.ToList());
        }

        var reads = new WellRead[wellsIn.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            var w = wellsIn[i];
            var role = w.Role!.Value;
            reads[i] = role == WellRole.Sample
                ? new WellRead(positions[i]!.Value, role, w.CompoundId, w.ConcentrationNm, w.Signal!.Value)
                : new WellRead(positions[i]!.Value, role, null, null, role == WellRole.Empty ? double.NaN : w.Signal!.Value);
        }

        var plate = new PlateRead(input.PlateId, input.Target!.Value, input.Assay!.Value, format!.Value,
            input.LigandNm, input.LigandKdNm, reads);
        return new PlateValidation(plate, []);
    }

    private static void CheckLigand(PlateInput input, ViolationList violations)
    {
        CheckPositive(input.LigandNm, PlateField.LigandNm, "ligand_nM", null, null, string.Empty, violations);
        CheckPositive(input.LigandKdNm, PlateField.LigandKdNm, "ligand_kd_nM", null, null, string.Empty, violations);
        if (input.LigandNm is null && input.LigandKdNm is not null)
        {
            violations.Add(PlateField.LigandNm, null, null,
                "ligand_nM is missing: ligand_nM and ligand_kd_nM come together or not at all");
        }
        else if (input.LigandNm is not null && input.LigandKdNm is null)
        {
            violations.Add(PlateField.LigandKdNm, null, null,
                "ligand_kd_nM is missing: ligand_nM and ligand_kd_nM come together or not at all");
        }
    }

    private static void CheckWellContent(WellInput well, int index, string label, ViolationList violations)
    {
        if (well.Role is not { } role || !Enum.IsDefined(role))
        {
            violations.Add(PlateField.Role, index, well.Well, $"{label}: role is required (sample, total, nsb or empty)");
            return;
        }

        var prefix = label + ": ";
        if (role == WellRole.Sample)
        {
            if (string.IsNullOrEmpty(well.CompoundId))
            {
                violations.Add(PlateField.CompoundId, index, well.Well, prefix + "compound_id is required for a sample well");
            }
            else if (!IsValidIdentifier(well.CompoundId))
            {
                violations.Add(PlateField.CompoundId, index, well.Well,
                    $"{prefix}compound_id must be 1-{MaxIdentifierLength} characters of A-Z a-z 0-9 - _ . , got {Quote(well.CompoundId)}");
            }

            if (well.ConcentrationNm is null)
            {
                violations.Add(PlateField.ConcentrationNm, index, well.Well, prefix + "concentration_nM is required for a sample well");
            }

            CheckPositive(well.ConcentrationNm, PlateField.ConcentrationNm, "concentration_nM", index, well.Well, prefix, violations);
        }

        if (well.Signal is not { } signal)
        {
            if (role != WellRole.Empty)
            {
                violations.Add(PlateField.Signal, index, well.Well,
                    $"{prefix}signal is required for a {RoleName(role)} well");
            }
        }
        else if (!double.IsFinite(signal) || signal < 0)
        {
            violations.Add(PlateField.Signal, index, well.Well,
                $"{prefix}signal must be a finite number >= 0, got {Format(signal)}");
        }
    }

    private static void CheckPositive(double? value, PlateField field, string column, int? index, string? well,
        string prefix, ViolationList violations)
    {
        if (value is { } v && (!double.IsFinite(v) || v <= 0))
        {
            violations.Add(field, index, well, $"{prefix}{column} must be a finite number > 0, got {Format(v)}");
        }
    }

    private static void CountRoles(IReadOnlyList<WellInput> wells, ViolationList violations)
    {
        int total = 0, nsb = 0, sample = 0;
        foreach (var w in wells)
        {
            switch (w?.Role)
            {
                case WellRole.Total: total++; break;
                case WellRole.Nsb: nsb++; break;
                case WellRole.Sample: sample++; break;
                default: break;
            }
        }

        if (total < MinTotalWells)
        {
            violations.Add(PlateField.Wells, null, null,
                $"a plate needs at least {MinTotalWells} total wells, found {total.ToString(CultureInfo.InvariantCulture)}");
        }

        if (nsb < MinNsbWells)
        {
            violations.Add(PlateField.Wells, null, null,
                $"a plate needs at least {MinNsbWells} nsb wells, found {nsb.ToString(CultureInfo.InvariantCulture)}");
        }

        if (sample == 0)
        {
            violations.Add(PlateField.Wells, null, null, "a plate needs at least one sample well, found none");
        }
    }

    private static string Label(WellInput well, WellPosition? position, int index) =>
        position is { } p ? $"well {p}"
        : string.IsNullOrWhiteSpace(well.Well) ? $"well #{index + 1}"
        : $"well {Quote(well.Well)}";

    internal static string RoleName(WellRole role) => role switch
    {
        WellRole.Sample => "sample",
        WellRole.Total => "total",
        WellRole.Nsb => "nsb",
        WellRole.Empty => "empty",
        _ => role.ToString(),
    };

    /// <summary>Round-trippable invariant text: -3, 0.5, NaN, Infinity.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static string Quote(string? text) => "\"" + (text ?? string.Empty) + "\"";

    /// <summary>Keeps the first <see cref="MaxViolations"/>, then notes how many more there were.</summary>
    private sealed class ViolationList
    {
        private readonly List<PlateViolation> _items = [];
        private int _dropped;

        public int Count => _items.Count + _dropped;

        public void Add(PlateField field, int? index, string? well, string message)
        {
            if (_items.Count < MaxViolations)
            {
                _items.Add(new PlateViolation(field, index, well, message));
            }
            else
            {
                _dropped++;
            }
        }

        public List<PlateViolation> ToList()
        {
            var list = new List<PlateViolation>(_items);
            if (_dropped > 0)
            {
                list.Add(new PlateViolation(PlateField.Wells, null, null,
                    $"{_dropped.ToString(CultureInfo.InvariantCulture)} more violations not listed"));
            }

            return list;
        }
    }
}
