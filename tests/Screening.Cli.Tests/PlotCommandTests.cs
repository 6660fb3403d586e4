using System.Xml.Linq;
using Screening.Cli.Submission;

namespace Screening.Cli.Tests;

/// <summary>`screen plot ...` against a running embedded host with simulated plates ranked.</summary>
public sealed class PlotCommandTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("screen-cli-plot-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Plot_commands_write_the_compound_selectivity_and_plate_svgs()
    {
        var plates = Path.Combine(_work, "plates");
        Assert.Equal(0, (await Run("simulate", plates)).Exit);
        var files = Directory.GetFiles(plates, "*.csv").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(0, (await Run(["submit", .. files, "--server", server.Address])).Exit);
        var plateIds = PlateFiles.Read(files).Plates.Select(p => p.Csv.Input.PlateId).ToArray();
        using (var connection = ServerConnection.Open(server.Address))
        {
            await PlateProgress.WaitAsync(connection, plateIds, TimeSpan.FromMinutes(2), null, CancellationToken.None);
        }

        XNamespace svg = "http://www.w3.org/2000/svg";
        var compound = Path.Combine(_work, "out", "escitalopram.svg");
        var result = await Run("plot", "compound", "ESCITALOPRAM", "-o", compound, "--server", server.Address);
        Assert.True(result.Exit == 0, result.Output + result.Error);
        Assert.Contains(XDocument.Load(compound).Descendants(svg + "path"), p => (string?)p.Attribute("class") == "curve");

        var map = Path.Combine(_work, "map.svg");
        Assert.Equal(0, (await Run("plot", "selectivity", "--assay", "uptake", "-o", map, "--server", server.Address)).Exit);
        Assert.Contains("REBOXETINE", XDocument.Load(map).Descendants(svg + "text").Select(t => t.Value));

        var plate = await Run("plot", "plate", plateIds[0], "-o", "-", "--server", server.Address);
        Assert.Equal(0, plate.Exit);
        Assert.Contains("Z' = ", XDocument.Parse(plate.Output).Root!.Value, StringComparison.Ordinal);

        var missing = await Run("plot", "compound", "NO-SUCH-COMPOUND", "-o", Path.Combine(_work, "x.svg"), "--server", server.Address);
        Assert.Equal(1, missing.Exit);
        Assert.False(File.Exists(Path.Combine(_work, "x.svg")));
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
