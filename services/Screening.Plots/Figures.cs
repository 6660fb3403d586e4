using System.Globalization;
using Screening.Protos.V1;

namespace Screening.Plots;

/// <summary>Numbers as the plots and pages print them.</summary>
public static class PlotFigures
{
    /// <summary>"=", "&gt;" or "&lt;" before a value; nothing when unspecified.</summary>
    public static string Symbol(Qualifier qualifier) => qualifier switch
    {
        Qualifier.Greater => "> ",
        Qualifier.Less => "< ",
        _ => string.Empty,
    };

    /// <summary>A concentration in nM with three significant figures, e.g. "1.23 nM", "> 10000 nM".</summary>
    public static string Nanomolar(Concentration? c)
    {
        if (c is null || c.Qualifier == Qualifier.Unspecified || !(c.ValueNm > 0))
        {
            return "n/a";
        }

        return Symbol(c.Qualifier) + Significant(c.ValueNm) + " nM";
    }

    /// <summary>"1.23 nM [0.9–1.7]" when the interval is known.</summary>
    public static string NanomolarWithInterval(Concentration? c)
    {
        var value = Nanomolar(c);
        return c is { Qualifier: Qualifier.Equal, Ci95LowNm: > 0, Ci95HighNm: > 0 }
            ? $"{value} [{Significant(c.Ci95LowNm)}–{Significant(c.Ci95HighNm)}]"
            : value;
    }

    public static string Significant(double value) =>
        value.ToString(Math.Abs(value) >= 1000 ? "0" : "G3", CultureInfo.InvariantCulture);

    public static string Fixed(double value, int decimals) =>
        value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Target(Target target) => target switch
    {
        Protos.V1.Target.Sert => "SERT",
        Protos.V1.Target.Net => "NET",
        _ => "?",
    };

    public static string Assay(AssayType assay) => assay switch
    {
        AssayType.Binding => "binding",
        AssayType.Uptake => "uptake",
        _ => "?",
    };

    public static string Preference(Preference preference) => preference switch
    {
        Protos.V1.Preference.Sert => "SERT",
        Protos.V1.Preference.Net => "NET",
        _ => "neither",
    };
}
