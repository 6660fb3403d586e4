using System.Globalization;
using System.Text.Json;

namespace Screening.Analysis.Tests.Curves;

/// <summary>A NIST StRD nonlinear-regression set, as copied from the shared reference data.</summary>
internal sealed record NistDataset(
    double[] X,
    double[] Y,
    double[] Start1,
    double[] Start2,
    double[] CertifiedValues,
    double[] CertifiedStdDevs,
    double CertifiedResidualSumOfSquares,
    int DegreesOfFreedom);

/// <summary>The drc ryegrass LL.4 data and its fully converged least-squares optimum.</summary>
internal sealed record RyegrassDataset(
    double[] Concentration,
    double[] RootLength,
    IReadOnlyDictionary<string, double> Estimates,
    IReadOnlyDictionary<string, double> GaussNewtonStandardErrors,
    double ResidualSumOfSquares);

/// <summary>drc's published ryegrass LL.4 fit (estimates and observed-information SEs) and the converged optimum's observed-information SEs.</summary>
internal sealed record RyegrassPublished(
    IReadOnlyDictionary<string, double> Estimates,
    IReadOnlyDictionary<string, double> StandardErrors,
    IReadOnlyDictionary<string, double> OptimumObservedInformationStandardErrors);

internal static class ReferenceData
{
    private static string PathOf(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Data", "refdata", .. parts]);

    public static NistDataset Nist(string name)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf("nist", name + ".json")));
        JsonElement root = document.RootElement;
        JsonElement certified = root.GetProperty("certified");
        return new NistDataset(
            Doubles(root.GetProperty("data").GetProperty("x")),
            Doubles(root.GetProperty("data").GetProperty("y")),
            Doubles(root.GetProperty("start1")),
            Doubles(root.GetProperty("start2")),
            Doubles(certified.GetProperty("values")),
            Doubles(certified.GetProperty("std_dev")),
            certified.GetProperty("residual_sum_of_squares").GetDouble(),
            certified.GetProperty("degrees_of_freedom").GetInt32());
    }

    public static RyegrassDataset Ryegrass()
    {
        string[] lines = File.ReadAllLines(PathOf("drc", "ryegrass.csv"));
        var concentration = new List<double>();
        var rootLength = new List<double>();
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] fields = line.Split(',');
            rootLength.Add(double.Parse(fields[0], CultureInfo.InvariantCulture));
            concentration.Add(double.Parse(fields[1], CultureInfo.InvariantCulture));
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf("drc", "ryegrass.json")));
        JsonElement optimum = document.RootElement.GetProperty("models").GetProperty("LL.4").GetProperty("least_squares_optimum");
        return new RyegrassDataset(
            [.. concentration],
            [.. rootLength],
            Named(optimum.GetProperty("estimates")),
            Named(optimum.GetProperty("se_gauss_newton")),
            optimum.GetProperty("rss").GetDouble());
    }

    public static RyegrassPublished RyegrassPublishedFit()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf("drc", "ryegrass.json")));
        JsonElement model = document.RootElement.GetProperty("models").GetProperty("LL.4");
        JsonElement published = model.GetProperty("published");
        return new RyegrassPublished(
            Named(published.GetProperty("estimates")),
            Named(published.GetProperty("std_errors")),
            Named(model.GetProperty("least_squares_optimum").GetProperty("se_observed_info")));
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    private static Dictionary<string, double> Named(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
}

/// <summary>Agreement in significant digits: the log relative error of NIST's StRD (and mathnet's tests).</summary>
internal static class Digits
{
    public static double Matched(double actual, double expected)
    {
        if (actual == expected)
        {
            return 15;
        }

        double relative = Math.Abs(actual - expected) / Math.Abs(expected);
        return double.IsNaN(relative) ? 0 : Math.Min(15, -Math.Log10(relative));
    }

    public static void AtLeast(double digits, double actual, double expected, string what)
    {
        double matched = Matched(actual, expected);
        Assert.True(matched >= digits, $"{what}: {actual:R} vs {expected:R} agree to {matched:F1} digits, need {digits}");
    }
}
