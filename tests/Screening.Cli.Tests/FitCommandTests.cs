using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Screening.Cli.Tests;

/// <summary>`screen fit FILE`: local fits of a curve_id,log_conc,response CSV, printed as JSON.</summary>
public sealed class FitCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("screen-fit-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)), 10 half-log concentrations in duplicate.</summary>
    private static IEnumerable<(double X, double Y)> Curve(double bottom, double top, double logIC50, double hill)
    {
        for (int i = 0; i < 20; i++)
        {
            double x = -10 + (0.5 * (i / 2));
            yield return (x, bottom + ((top - bottom) / (1 + Math.Pow(10, (logIC50 - x) * hill))));
        }
    }

    /// <summary>Two curves whose rows are interleaved (curves need not be contiguous).</summary>
    private string WriteTwoCurves()
    {
        var a = Curve(2, 98, -7.5, -1.2).ToArray();
        var b = Curve(0, 100, -6.8, -0.9).ToArray();
        var csv = new StringBuilder("curve_id,log_conc,response\n");
        for (int i = 0; i < a.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"A,{a[i].X:R},{a[i].Y:R}\n");
            csv.Append(CultureInfo.InvariantCulture, $"B,{b[i].X:R},{b[i].Y:R}\n");
        }

        return Write("two.csv", csv.ToString());
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Fit_prints_one_json_object_per_curve_with_the_recovered_parameters()
    {
        var (exit, output, error) = await Run("fit", WriteTwoCurves(), "--threads", "2");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var curves = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["A", "B"], curves.Select(c => c.GetProperty("curve_id").GetString()));
        var a = curves[0];
        Assert.Equal("4pl", a.GetProperty("model").GetString());
        Assert.Equal("converged", a.GetProperty("status").GetString());
        var p = a.GetProperty("parameters");
        Assert.Equal(2, p.GetProperty("bottom").GetDouble(), 5);
        Assert.Equal(98, p.GetProperty("top").GetDouble(), 5);
        Assert.Equal(-7.5, p.GetProperty("log_ic50").GetDouble(), 6);
        Assert.Equal(-1.2, p.GetProperty("hill_slope").GetDouble(), 6);
        Assert.False(p.TryGetProperty("asymmetry", out _));
        Assert.Equal(-6.8, curves[1].GetProperty("parameters").GetProperty("log_ic50").GetDouble(), 6);
        var ic50 = a.GetProperty("ic50_nM");
        Assert.Equal(Math.Pow(10, -7.5 + 9), ic50.GetProperty("value").GetDouble(), 4);
        Assert.Equal("=", ic50.GetProperty("qualifier").GetString());
        Assert.Equal(2, a.GetProperty("log_ic50_ci95").GetArrayLength());
        Assert.Equal(20, a.GetProperty("points").GetInt32());
        Assert.Equal(16, a.GetProperty("df").GetInt32());
        Assert.True(a.GetProperty("r_squared").GetDouble() > 0.999999);
        Assert.Matches(@"^fitted 2 curves in \d+\.\d\d s: [\d,]+ fits/s on 2 threads$", error.Trim());
    }

    [Fact]
    public async Task Fixed_parameters_are_held_and_have_no_standard_error()
    {
        var (exit, output, _) = await Run("fit", WriteTwoCurves(), "--fix", "bottom=0", "--fix", "top=100", "--fix", "hill=-1");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var a = json.RootElement[0];
        Assert.Equal(0, a.GetProperty("parameters").GetProperty("bottom").GetDouble());
        Assert.Equal(100, a.GetProperty("parameters").GetProperty("top").GetDouble());
        Assert.Equal(-1, a.GetProperty("parameters").GetProperty("hill_slope").GetDouble());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("standard_errors").GetProperty("bottom").ValueKind);
        Assert.Equal(JsonValueKind.Null, a.GetProperty("standard_errors").GetProperty("hill_slope").ValueKind);
        Assert.Equal(19, a.GetProperty("df").GetInt32());
    }

    [Fact]
    public async Task Five_parameter_model_reports_the_asymmetry()
    {
        var (exit, output, _) = await Run("fit", WriteTwoCurves(), "--model", "5pl", "--fix", "asymmetry=1");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var a = json.RootElement[0];
        Assert.Equal("5pl", a.GetProperty("model").GetString());
        Assert.Equal(1, a.GetProperty("parameters").GetProperty("asymmetry").GetDouble());
        Assert.Equal(-7.5, a.GetProperty("parameters").GetProperty("log_ic50").GetDouble(), 6);
    }

    [Fact]
    public async Task Hill_one_model_holds_the_slope_at_minus_one()
    {
        var (exit, output, _) = await Run("fit", WriteTwoCurves(), "--model", "hill1");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(-1, json.RootElement[1].GetProperty("parameters").GetProperty("hill_slope").GetDouble());
        Assert.Equal(17, json.RootElement[1].GetProperty("df").GetInt32());
    }

    [Fact]
    public async Task A_bad_row_exits_with_1_and_names_its_line_and_column()
    {
        string path = Write("bad.csv", "curve_id,log_conc,response\nA,-9,100\nA,-8,95\nA,-7.5,abc\nA,-7,20\n");
        var (exit, output, error) = await Run("fit", path);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("line 4, column 3 (response): 'abc'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_header_exits_with_1()
    {
        var (exit, _, error) = await Run("fit", Write("noheader.csv", "A,-9,100\n"));

        Assert.Equal(1, exit);
        Assert.Contains("line 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_fixed_parameter_exits_with_1()
    {
        var (exit, _, error) = await Run("fit", WriteTwoCurves(), "--fix", "slope=1");

        Assert.Equal(1, exit);
        Assert.Contains("unknown parameter 'slope'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_curve_with_too_few_points_is_reported_with_nulls_not_an_error()
    {
        var (exit, output, _) = await Run("fit", Write("few.csv", "curve_id,log_conc,response\nA,-9,100\nA,-8,50\n"));

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var a = json.RootElement[0];
        Assert.Equal("too_few_points", a.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("parameters").GetProperty("log_ic50").ValueKind);
        Assert.Equal("n/a", a.GetProperty("ic50_nM").GetProperty("qualifier").GetString());
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
