using System.Globalization;
using System.Text.Json;
using Screening.Cli.Submission;

namespace Screening.Cli.Tests;

/// <summary>
/// The CLI against a real embedded server: simulate the reference panel, submit the CSV files, wait until
/// every plate is ranked, and check that the ranking tells the known pharmacology.
/// </summary>
public sealed class EndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _plates = Directory.CreateTempSubdirectory("screen-cli-test-plates-").FullName;

    public void Dispose() => Directory.Delete(_plates, recursive: true);

    [Fact]
    public async Task Submitted_reference_plates_rank_as_the_literature_says()
    {
        Assert.Equal(0, (await Run("simulate", _plates)).Exit);
        var files = Directory.GetFiles(_plates, "*.csv").Order(StringComparer.Ordinal).ToArray();

        var submit = await Run(["submit", .. files, "--server", server.Address]);
        Assert.True(submit.Exit == 0, submit.Output + submit.Error);
        Assert.Equal(12, CountLines(submit.Output, "accepted ") + CountLines(submit.Output, "duplicate "));

        var plateIds = PlateFiles.Read(files).Plates.Select(p => p.Csv.Input.PlateId).ToArray();
        using (var connection = ServerConnection.Open(server.Address))
        {
            var finished = await PlateProgress.WaitAsync(connection, plateIds, TimeSpan.FromMinutes(2), null, CancellationToken.None);
            Assert.Equal(12, finished.Count);
        }

        var ranking = await Run("ranking", "--format", "json", "--server", server.Address);
        Assert.Equal(0, ranking.Exit);
        using var json = JsonDocument.Parse(ranking.Output);
        var rows = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(32, rows.Length);
        JsonElement Row(string compound, string assay) =>
            rows.Single(r => r.GetProperty("compound_id").GetString() == compound && r.GetProperty("assay").GetString() == assay);

        // Escitalopram: about 7,000-fold SERT-selective in binding; NET often never reaches 50 %, making the fold a bound.
        var escitalopram = Row("ESCITALOPRAM", "binding");
        Assert.True(Preference(escitalopram) == "SERT", Describe(escitalopram));
        Assert.True(Fold(escitalopram) > 1000 && Qualifier(escitalopram) is "=" or ">", Describe(escitalopram));

        // Levomilnacipran: SERT-preferring in binding (Ki 11 vs 92 nM) but NET-preferring in uptake (IC50 19 vs 10.5 nM).
        Assert.True(Preference(Row("LEVOMILNACIPRAN", "binding")) == "SERT", Describe(Row("LEVOMILNACIPRAN", "binding")));
        Assert.True(Preference(Row("LEVOMILNACIPRAN", "uptake")) == "NET", Describe(Row("LEVOMILNACIPRAN", "uptake")));

        foreach (var compound in new[] { "REBOXETINE", "NISOXETINE", "DESIPRAMINE" })
        {
            foreach (var assay in new[] { "binding", "uptake" })
            {
                Assert.True(Preference(Row(compound, assay)) == "NET", Describe(Row(compound, assay)));
            }
        }
    }

    [Fact]
    public async Task A_broken_plate_is_reported_with_its_line_and_the_good_plates_are_still_sent()
    {
        var path = Path.Combine(_plates, "mixed.csv");
        await File.WriteAllTextAsync(path, """
            plate_id,target,assay,well,role,compound_id,concentration_nM,signal,ligand_nM,ligand_kd_nM
            GOOD-1,SERT,binding,A1,total,,,3000,1,1.5
            GOOD-1,SERT,binding,A2,total,,,3100,1,1.5
            GOOD-1,SERT,binding,B1,nsb,,,300,1,1.5
            GOOD-1,SERT,binding,B2,nsb,,,310,1,1.5
            GOOD-1,SERT,binding,C1,sample,PAROXETINE,10,400,1,1.5
            BAD-1,SERT,binding,A1,total,,,3000,1,1.5
            BAD-1,SERT,binding,B1,nsb,,,300,1,1.5
            BAD-1,SERT,binding,C1,sample,PAROXETINE,-10,400,1,1.5
            """);

        var submit = await Run("submit", path, "--server", server.Address);

        Assert.Equal(1, submit.Exit);
        Assert.Contains("mixed.csv: plate BAD-1, line 9, column concentration_nM:", submit.Output, StringComparison.Ordinal);
        Assert.Contains("accepted   GOOD-1", submit.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("BAD-1  ", submit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_an_unknown_plate_fails_with_one_line()
    {
        var status = await Run("status", "NO-SUCH-PLATE", "--server", server.Address);

        Assert.Equal(1, status.Exit);
        Assert.Equal("screen: No plate NO-SUCH-PLATE has been accepted.", status.Error.Trim());
    }

    private static string? Preference(JsonElement row) => row.GetProperty("preference").GetString();

    private static string? Qualifier(JsonElement row) => row.GetProperty("selectivity_qualifier").GetString();

    private static double Fold(JsonElement row) =>
        row.GetProperty("selectivity_fold") is { ValueKind: JsonValueKind.Number } fold ? fold.GetDouble() : double.NaN;

    /// <summary>Everything a failed science check needs to say what the service computed.</summary>
    private static string Describe(JsonElement row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.GetProperty("compound_id")} {row.GetProperty("assay")}: SERT Ki {row.GetProperty("sert_qualifier")}{row.GetProperty("sert_ki_nM")} nM, NET Ki {row.GetProperty("net_qualifier")}{row.GetProperty("net_ki_nM")} nM, fold {row.GetProperty("selectivity_qualifier")}{row.GetProperty("selectivity_fold")} [{row.GetProperty("selectivity_ci95_low")}, {row.GetProperty("selectivity_ci95_high")}], preference {row.GetProperty("preference")}, n {row.GetProperty("n_sert")}/{row.GetProperty("n_net")}");

    private static int CountLines(string text, string prefix) =>
        text.Split('\n').Count(l => l.StartsWith(prefix, StringComparison.Ordinal));

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
