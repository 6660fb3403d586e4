using System.Text.Json;
using Screening.Analysis.Plates;

namespace Screening.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("screen-simulate-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Simulate_writes_one_csv_per_target_and_assay_that_the_plate_reader_accepts()
    {
        var (exit, output, _) = await Run("simulate", _directory, "--compounds", "20", "--replicates", "2", "--seed", "7");

        Assert.Equal(0, exit);
        string[] expected = ["net-binding.csv", "net-uptake.csv", "sert-binding.csv", "sert-uptake.csv", "truth.json"];
        Assert.Equal(expected, Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var csv in expected.Where(f => f.EndsWith(".csv", StringComparison.Ordinal)))
        {
            Assert.Contains(csv, output, StringComparison.Ordinal);
            using var reader = new StreamReader(Path.Combine(_directory, csv));
            var read = PlateCsv.Read(reader, csv);
            Assert.Empty(read.Errors);

            // 20 compounds at 16 per 384-well plate: 2 plates per replicate.
            Assert.Equal(4, read.Plates.Count);
            Assert.All(read.Plates, p => Assert.True(PlateRules.Validate(p.Input).IsValid));
            Assert.Equal(20, read.Plates.SelectMany(p => p.Input.Wells).Where(w => w.Role == WellRole.Sample).Select(w => w.CompoundId).Distinct().Count());
        }
    }

    [Fact]
    public async Task Truth_holds_ic50_and_the_cheng_prusoff_ki_of_every_compound()
    {
        var (exit, _, _) = await Run("simulate", _directory, "--compounds", "18", "--replicates", "1", "--format", "1536");
        Assert.Equal(0, exit);

        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "truth.json")));
        var compounds = truth.RootElement.GetProperty("compounds");
        Assert.Equal(18, compounds.EnumerateObject().Count());
        Assert.True(compounds.TryGetProperty("CMPD-000002", out _));

        // Escitalopram, SERT binding: IC50 1.8333 nM with 1 nM radioligand of Kd 1.5 nM gives Ki = 1.8333 / (1 + 1/1.5) = 1.1 nM.
        var escitalopram = compounds.GetProperty("ESCITALOPRAM");
        Assert.Equal(1.8333333333333333, escitalopram.GetProperty("ic50_nM").GetProperty("SERT/binding").GetDouble(), 12);
        Assert.Equal(1.1, escitalopram.GetProperty("ki_nM").GetProperty("SERT/binding").GetDouble(), 12);
        Assert.Equal(1.0, escitalopram.GetProperty("hill").GetDouble());
        Assert.Equal(4, escitalopram.GetProperty("ki_nM").EnumerateObject().Count());
    }

    [Fact]
    public async Task Simulate_is_deterministic_for_a_seed()
    {
        var first = Path.Combine(_directory, "a");
        var second = Path.Combine(_directory, "b");
        await Run("simulate", first, "--compounds", "17", "--replicates", "1", "--seed", "3");
        await Run("simulate", second, "--compounds", "17", "--replicates", "1", "--seed", "3");

        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(first, "net-uptake.csv")),
            await File.ReadAllTextAsync(Path.Combine(second, "net-uptake.csv")));
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
