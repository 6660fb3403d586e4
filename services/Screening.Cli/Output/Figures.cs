using System.Globalization;
using Screening.Protos.V1;

namespace Screening.Cli.Output;

/// <summary>Numbers as a person reads them in a table: "1.13 nM", "&gt; 4,440 nM", "7,100× [5,000–9,800]".</summary>
internal static class Figures
{
    /// <summary>Rounds to <paramref name="digits"/> significant figures, with thousands separators.</summary>
    public static string Significant(double value, int digits)
    {
        if (!double.IsFinite(value))
        {
            return "–";
        }

        if (value == 0)
        {
            return "0";
        }

        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = Math.Max(0, digits - 1 - magnitude);
        var scale = Math.Pow(10, magnitude - digits + 1);
        var rounded = decimals > 0
            ? Math.Round(value, Math.Min(decimals, 15), MidpointRounding.AwayFromZero)
            : Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
        return rounded.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static string Symbol(Qualifier qualifier) => qualifier switch
    {
        Qualifier.Equal => "=",
        Qualifier.Greater => ">",
        Qualifier.Less => "<",
        _ => string.Empty,
    };

    /// <summary>True when the concentration carries a value: proto3 sends "not measured" as an unset qualifier.</summary>
    public static bool IsMeasured(Concentration? c) =>
        c is not null && c.Qualifier != Qualifier.Unspecified && double.IsFinite(c.ValueNm) && c.ValueNm > 0;

    /// <summary>"1.13 nM", "&gt; 4,440 nM", or "–" when not measured.</summary>
    public static string Nanomolar(Concentration? c) => IsMeasured(c) ? Bound(c!.Qualifier) + Significant(c.ValueNm, 3) + " nM" : "–";

    /// <summary>"1.13 nM [0.98–1.3]" when the interval is known.</summary>
    public static string NanomolarWithInterval(Concentration? c) =>
        IsMeasured(c) && c!.Qualifier == Qualifier.Equal && c.Ci95LowNm > 0 && c.Ci95HighNm > 0
            ? Nanomolar(c) + " " + Interval(c.Ci95LowNm, c.Ci95HighNm)
            : Nanomolar(c);

    /// <summary>"7,100× [5,000–9,800]", "&gt; 2,300×", or "–" when undetermined.</summary>
    public static string Fold(double fold, Qualifier qualifier, double low, double high)
    {
        if (qualifier == Qualifier.Unspecified || !double.IsFinite(fold) || fold <= 0)
        {
            return "–";
        }

        var text = Bound(qualifier) + Significant(fold, 2) + "×";
        return qualifier == Qualifier.Equal && low > 0 && high > 0 ? text + " " + Interval(low, high) : text;
    }

    public static string Interval(double low, double high) => "[" + Significant(low, 2) + "–" + Significant(high, 2) + "]";

    public static string Preference(Protos.V1.Preference preference) => preference switch
    {
        Protos.V1.Preference.Sert => "SERT",
        Protos.V1.Preference.Net => "NET",
        _ => "none",
    };

    public static string Assay(AssayType assay) => assay switch
    {
        AssayType.Binding => "binding",
        AssayType.Uptake => "uptake",
        _ => "unknown",
    };

    public static string Target(Target target) => target switch
    {
        Protos.V1.Target.Sert => "SERT",
        Protos.V1.Target.Net => "NET",
        _ => "unknown",
    };

    private static string Bound(Qualifier qualifier) => qualifier switch
    {
        Qualifier.Greater => "> ",
        Qualifier.Less => "< ",
        _ => string.Empty,
    };
}
