using System.Text.Json;
using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class ExamplePlatesTests
{
    [Fact]
    public void The_example_files_hold_eight_plates_that_all_validate()
    {
        var plates = PlateFixtures.ExampleFiles.SelectMany(file =>
        {
            var result = PlateFixtures.ReadExample(file);
            Assert.Empty(result.Errors);
            return result.Plates;
        }).ToArray();

        Assert.Equal(8, plates.Length);
        foreach (var plate in plates)
        {
            var validation = PlateRules.Validate(plate.Input);
            Assert.Empty(validation.Violations);
            Assert.Equal(PlateFormat.Wells384, validation.Plate!.Format);
            Assert.Equal(384, validation.Plate.Wells.Count);
        }
    }

    [Fact]
    public void Every_example_compound_is_in_the_reference_panel_with_its_true_IC50s()
    {
        using var truth = JsonDocument.Parse(File.ReadAllText(PlateFixtures.DataPath("truth.json")));
        var compounds = truth.RootElement.GetProperty("compounds");
        var panel = ReferencePanel.Default.ToDictionary(c => c.CompoundId);

        Assert.Equal(compounds.EnumerateObject().Count(), panel.Count);
        foreach (var compound in compounds.EnumerateObject())
        {
            var c = panel[compound.Name];
            Assert.Equal(compound.Value.GetProperty("hill").GetDouble(), c.Hill);
            foreach (var ic50 in compound.Value.GetProperty("ic50_nM").EnumerateObject())
            {
                var parts = ic50.Name.Split('/');
                Assert.True(PlateCsv.TryParseTarget(parts[0], out var target));
                Assert.True(PlateCsv.TryParseAssay(parts[1], out var assay));
                Assert.Equal(ic50.Value.GetDouble(), c.IC50Nm[(target, assay)]);
            }
        }

        Assert.Contains("ESCITALOPRAM", panel.Keys);
        Assert.Contains("LEVOMILNACIPRAN", panel.Keys);
    }

    [Fact]
    public void Simulator_ligands_match_the_example_assays()
    {
        using var truth = JsonDocument.Parse(File.ReadAllText(PlateFixtures.DataPath("truth.json")));
        foreach (var assay in truth.RootElement.GetProperty("assays").EnumerateObject())
        {
            var parts = assay.Name.Split('/');
            Assert.True(PlateCsv.TryParseTarget(parts[0], out var t));
            Assert.True(PlateCsv.TryParseAssay(parts[1], out var a));
            var values = assay.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal((values[0], values[1]), PlateSimulator.Ligand(t, a));
        }
    }

    [Fact]
    public void Example_concentrations_match_the_simulator_series_to_six_digits()
    {
        var plate = PlateFixtures.ExamplePlate("sert-binding.csv", "PUB-SERT-B1-001");
        var example = plate.Wells.Where(w => w.Role == WellRole.Sample).Select(w => w.ConcentrationNm!.Value).Distinct().Order().ToArray();
        var simulated = PlateSimulator.ConcentrationsNm.Order().ToArray();

        Assert.Equal(simulated.Length, example.Length);
        for (var i = 0; i < example.Length; i++)
        {
            Assert.Equal(1.0, example[i] / simulated[i], 5);
        }
    }
}
