using Screening.Analysis.Curves;

namespace Screening.Analysis.Affinity;

/// <summary>
/// Cheng &amp; Prusoff (1973): for a competitive inhibitor, Ki = IC50 / (1 + [L]/Kd) in
/// binding, and Ki = IC50 / (1 + [S]/Km) in uptake. On the log scale the correction is a
/// constant shift, so the standard error and the interval width carry over unchanged.
/// </summary>
public static class ChengPrusoff
{
    /// <summary>1 + [L]/Kd: the factor by which IC50 exceeds Ki.</summary>
    public static double Factor(double ligandNm, double kdNm) => 1 + (ligandNm / kdNm);

    public static double Ki(double ic50Nm, double ligandNm, double kdNm) => ic50Nm / Factor(ligandNm, kdNm);

    /// <summary>The IC50 potency turned into Ki: same qualifier, interval shifted.</summary>
    public static Potency ToKi(Potency ic50, double ligandNm, double kdNm)
    {
        var shift = Math.Log10(Factor(ligandNm, kdNm));
        return ic50 with
        {
            LogMolar = ic50.LogMolar - shift,
            Ci95LowLogMolar = ic50.Ci95LowLogMolar - shift,
            Ci95HighLogMolar = ic50.Ci95HighLogMolar - shift,
        };
    }
}
