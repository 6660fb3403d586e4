using Screening.Analysis.Curves;
using Screening.Contracts;

namespace Screening.Protos.V1;

/// <summary>Maps curve fits between the analysis domain, the bus contract and the wire.</summary>
public static class CurveMapping
{
    public static Qualifier ToProto(this Analysis.Curves.Qualifier qualifier) => qualifier switch
    {
        Analysis.Curves.Qualifier.Equal => Qualifier.Equal,
        Analysis.Curves.Qualifier.Greater => Qualifier.Greater,
        Analysis.Curves.Qualifier.Less => Qualifier.Less,
        _ => Qualifier.Unspecified,
    };

    /// <summary>
    /// "=", "&gt;" or "&lt;", as in the CLI's CSV and JSON and on the bus; "n/a" for a curve
    /// whose potency could not be estimated at all.
    /// </summary>
    public static string Symbol(this Analysis.Curves.Qualifier qualifier) => qualifier switch
    {
        Analysis.Curves.Qualifier.Equal => "=",
        Analysis.Curves.Qualifier.Greater => ">",
        Analysis.Curves.Qualifier.Less => "<",
        _ => NotEstimableSymbol,
    };

    public const string NotEstimableSymbol = "n/a";

    public static Analysis.Curves.Qualifier ParseQualifier(string symbol) => symbol switch
    {
        "=" => Analysis.Curves.Qualifier.Equal,
        ">" => Analysis.Curves.Qualifier.Greater,
        "<" => Analysis.Curves.Qualifier.Less,
        _ => Analysis.Curves.Qualifier.NotEstimable,
    };

    public static FitStatus ToProto(this Analysis.Curves.FitStatus status) => status switch
    {
        Analysis.Curves.FitStatus.Converged => FitStatus.Converged,
        Analysis.Curves.FitStatus.NotConverged => FitStatus.NotConverged,
        Analysis.Curves.FitStatus.TooFewPoints => FitStatus.TooFewPoints,
        Analysis.Curves.FitStatus.InvalidInput => FitStatus.InvalidInput,
        Analysis.Curves.FitStatus.Flat => FitStatus.Flat,
        _ => FitStatus.Unspecified,
    };

    public static Concentration ToConcentration(this Potency potency) => new()
    {
        ValueNm = potency.Nanomolar,
        Qualifier = potency.Qualifier.ToProto(),
        Ci95LowNm = Finite(potency.Ci95LowNanomolar),
        Ci95HighNm = Finite(potency.Ci95HighNanomolar),
    };

    public static CurveFit ToProto(this CurveFitResult fit, string curveId)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new CurveFit
        {
            CurveId = curveId,
            Status = fit.Status.ToProto(),
            Bottom = Finite(fit.Estimates.Bottom),
            Top = Finite(fit.Estimates.Top),
            LogIc50 = Finite(fit.Estimates.LogIC50),
            HillSlope = Finite(fit.Estimates.HillSlope),
            BottomSe = Finite(fit.StandardErrors.Bottom),
            TopSe = Finite(fit.StandardErrors.Top),
            LogIc50Se = Finite(fit.StandardErrors.LogIC50),
            HillSlopeSe = Finite(fit.StandardErrors.HillSlope),
            Ic50 = fit.IC50.ToConcentration(),
            SumOfSquares = Finite(fit.SumOfSquares),
            DegreesOfFreedom = (uint)Math.Max(0, fit.DegreesOfFreedom),
            Points = (uint)fit.Points,
            MinTestedNm = Finite(Math.Pow(10, fit.MinLogMolar + 9)),
            MaxTestedNm = Finite(Math.Pow(10, fit.MaxLogMolar + 9)),
            Iterations = (uint)Math.Max(0, fit.Iterations),
            RSquared = Finite(fit.RSquared),
        };
    }

    public static CurveFit ToProto(this CurveResult curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return new CurveFit
        {
            CurveId = curve.CompoundId,
            Status = Enum.TryParse<Analysis.Curves.FitStatus>(curve.Status, out var s) ? s.ToProto() : FitStatus.Unspecified,
            Bottom = curve.Bottom,
            Top = curve.Top,
            LogIc50 = curve.LogIC50,
            HillSlope = curve.HillSlope,
            BottomSe = curve.BottomSe,
            TopSe = curve.TopSe,
            LogIc50Se = curve.LogIC50Se,
            HillSlopeSe = curve.HillSlopeSe,
            Ic50 = new Concentration
            {
                ValueNm = curve.Ic50Nm,
                Qualifier = ParseQualifier(curve.Ic50Qualifier).ToProto(),
                Ci95LowNm = curve.Ic50Ci95LowNm,
                Ci95HighNm = curve.Ic50Ci95HighNm,
            },
            SumOfSquares = curve.SumOfSquares,
            DegreesOfFreedom = (uint)Math.Max(0, curve.DegreesOfFreedom),
            Points = (uint)curve.Points,
            MinTestedNm = curve.MinTestedNm,
            MaxTestedNm = curve.MaxTestedNm,
            RSquared = curve.RSquared,
            HillModel = curve.HillModel switch
            {
                "hill_one" => HillModel.One,
                "free_hill" => HillModel.Free,
                _ => HillModel.Unspecified,
            },
            HillFStatistic = curve.HillFStatistic ?? 0,
            HillPValue = curve.HillPValue ?? 0,
            CurveClass = curve.CurveClass ?? string.Empty,
            MaskedWells = { curve.MaskedWells ?? [] },
            Flags = { curve.Flags ?? [] },
            LogMolar = { curve.LogMolar ?? [] },
            Response = { curve.Response ?? [] },
            Masked = { (curve.LogMolar ?? []).Select((_, i) => curve.MaskedPoints?.Contains(i) == true) },
        };
    }

    /// <summary>Wire and bus carry no NaN or infinity: "not estimable" travels as 0.</summary>
    public static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
