using System.Globalization;
using Screening.Analysis.Plates;
using Domain = Screening.Analysis.Plates;

namespace Screening.Protos.V1;

/// <summary>Maps plates between the gRPC messages and the analysis domain, both ways.</summary>
public static class PlateMapping
{
    public static PlateInput ToInput(this Plate plate)
    {
        ArgumentNullException.ThrowIfNull(plate);
        var wells = new WellInput[plate.Wells.Count];
        for (var i = 0; i < wells.Length; i++)
        {
            var w = plate.Wells[i];
            wells[i] = new WellInput(
                w.WellId,
                w.Role switch
                {
                    WellRole.Sample => Domain.WellRole.Sample,
                    WellRole.Total => Domain.WellRole.Total,
                    WellRole.Nsb => Domain.WellRole.Nsb,
                    WellRole.Empty => Domain.WellRole.Empty,
                    _ => null,
                },
                string.IsNullOrEmpty(w.CompoundId) ? null : w.CompoundId,
                w.HasConcentrationNm ? w.ConcentrationNm : null,
                w.HasSignal ? w.Signal : null);
        }

        return new PlateInput(
            plate.PlateId,
            plate.Target.ToDomain(),
            plate.Assay.ToDomain(),
            plate.PlateFormat == 0 ? null : checked((int)plate.PlateFormat),
            plate.HasLigandNm ? plate.LigandNm : null,
            plate.HasLigandKdNm ? plate.LigandKdNm : null,
            wells);
    }

    public static Plate ToProto(this PlateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plate = new Plate
        {
            PlateId = input.PlateId,
            Target = input.Target is { } t ? t.ToProto() : Target.Unspecified,
            Assay = input.Assay is { } a ? a.ToProto() : AssayType.Unspecified,
            PlateFormat = (uint)(input.Format ?? 0),
        };
        if (input.LigandNm is { } ligand)
        {
            plate.LigandNm = ligand;
        }

        if (input.LigandKdNm is { } kd)
        {
            plate.LigandKdNm = kd;
        }

        foreach (var w in input.Wells)
        {
            var well = new Well
            {
                WellId = w.Well,
                Role = w.Role switch
                {
                    Domain.WellRole.Sample => WellRole.Sample,
                    Domain.WellRole.Total => WellRole.Total,
                    Domain.WellRole.Nsb => WellRole.Nsb,
                    Domain.WellRole.Empty => WellRole.Empty,
                    _ => WellRole.Unspecified,
                },
                CompoundId = w.CompoundId ?? string.Empty,
            };
            if (w.ConcentrationNm is { } c)
            {
                well.ConcentrationNm = c;
            }

            if (w.Signal is { } s)
            {
                well.Signal = s;
            }

            plate.Wells.Add(well);
        }

        return plate;
    }

    public static PlateInput ToInput(this PlateRead plate)
    {
        ArgumentNullException.ThrowIfNull(plate);
        return new PlateInput(
            plate.PlateId,
            plate.Target,
            plate.Assay,
            (int)plate.Format,
            plate.LigandNm,
            plate.LigandKdNm,
            plate.Wells.Select(w => new WellInput(
                w.Position.ToString(),
                w.Role,
                w.CompoundId,
                w.ConcentrationNm,
                double.IsNaN(w.Signal) ? null : w.Signal)).ToArray());
    }

    public static Domain.Target? ToDomain(this Target target) => target switch
    {
        Target.Sert => Domain.Target.Sert,
        Target.Net => Domain.Target.Net,
        _ => null,
    };

    public static Domain.AssayType? ToDomain(this AssayType assay) => assay switch
    {
        AssayType.Binding => Domain.AssayType.Binding,
        AssayType.Uptake => Domain.AssayType.Uptake,
        _ => null,
    };

    public static Target ToProto(this Domain.Target target) => target switch
    {
        Domain.Target.Sert => Target.Sert,
        Domain.Target.Net => Target.Net,
        _ => Target.Unspecified,
    };

    public static AssayType ToProto(this Domain.AssayType assay) => assay switch
    {
        Domain.AssayType.Binding => AssayType.Binding,
        Domain.AssayType.Uptake => AssayType.Uptake,
        _ => AssayType.Unspecified,
    };

    /// <summary>The gRPC field path of a violation, e.g. "plate.wells[12].concentration_nm".</summary>
    public static string FieldPath(this PlateViolation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        var well = violation.WellIndex is { } i ? string.Create(CultureInfo.InvariantCulture, $"plate.wells[{i}]") : "plate.wells";
        return violation.Field switch
        {
            PlateField.PlateId => "plate.plate_id",
            PlateField.Target => "plate.target",
            PlateField.Assay => "plate.assay",
            PlateField.PlateFormat => "plate.plate_format",
            PlateField.LigandNm => "plate.ligand_nm",
            PlateField.LigandKdNm => "plate.ligand_kd_nm",
            PlateField.Wells => "plate.wells",
            PlateField.Well => well + ".well_id",
            PlateField.Role => well + ".role",
            PlateField.CompoundId => well + ".compound_id",
            PlateField.ConcentrationNm => well + ".concentration_nm",
            PlateField.Signal => well + ".signal",
            _ => "plate",
        };
    }

    /// <summary>The inverse of <see cref="FieldPath"/>: which well index and field a path names.</summary>
    public static (PlateField Field, int? WellIndex) ParseFieldPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int? index = null;
        var open = path.IndexOf('[', StringComparison.Ordinal);
        var close = path.IndexOf(']', StringComparison.Ordinal);
        if (open >= 0 && close > open && int.TryParse(path.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            index = i;
        }

        var last = path[(path.LastIndexOf('.') + 1)..];
        var field = last switch
        {
            "plate_id" => PlateField.PlateId,
            "target" => PlateField.Target,
            "assay" => PlateField.Assay,
            "plate_format" => PlateField.PlateFormat,
            "ligand_nm" => PlateField.LigandNm,
            "ligand_kd_nm" => PlateField.LigandKdNm,
            "well_id" => PlateField.Well,
            "role" => PlateField.Role,
            "compound_id" => PlateField.CompoundId,
            "concentration_nm" => PlateField.ConcentrationNm,
            "signal" => PlateField.Signal,
            _ => PlateField.Wells,
        };
        return (field, index);
    }

    public static PlateQuality ToProto(this PlateQc qc)
    {
        ArgumentNullException.ThrowIfNull(qc);
        return new PlateQuality
        {
            ZPrime = qc.ZPrime,
            SignalToBackground = qc.SignalToBackground,
            TotalCvPercent = qc.TotalCvPercent,
            NsbCvPercent = qc.NsbCvPercent,
            MeanTotalSignal = qc.MeanTotal,
            MeanNsbSignal = qc.MeanNsb,
            Passed = qc.Passed,
            ZPrimeThreshold = qc.ZPrimeThreshold,
        };
    }
}
