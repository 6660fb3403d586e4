using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

/// <summary>Small valid plates to break one rule at a time, and the copied example plates.</summary>
internal static class PlateFixtures
{
    public const string Header = "plate_id,target,assay,well,role,compound_id,concentration_nM,signal,ligand_nM,ligand_kd_nM,plate_format";

    /// <summary>The rows of a minimal valid 96-well plate P1 (lines 2-8 of <see cref="ValidCsv"/>).</summary>
    public static readonly string[] ValidRows =
    [
        "P1,SERT,binding,A1,total,,,3000,1,1.5,96",
        "P1,SERT,binding,B1,total,,,3100,1,1.5,96",
        "P1,SERT,binding,A2,nsb,,,300,1,1.5,96",
        "P1,SERT,binding,B2,nsb,,,320,1,1.5,96",
        "P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,1.5,96",
        "P1,SERT,binding,A4,sample,CMPD-1,10,2500,1,1.5,96",
        "P1,SERT,binding,A5,empty,,,,1,1.5,96",
    ];

    public static string ValidCsv => Csv(ValidRows);

    public static string Csv(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    /// <summary>The valid rows with row <paramref name="index"/> (0-based, line index + 2) replaced.</summary>
    public static string CsvWithRow(int index, string row)
    {
        var rows = ValidRows.ToArray();
        rows[index] = row;
        return Csv(rows);
    }

    public static PlateCsvReadResult Read(string csv, string source = "test.csv") =>
        PlateCsv.Read(new StringReader(csv), source);

    public static PlateInput ValidInput() => new(
        "P1", Target.Sert, AssayType.Binding, 96, 1.0, 1.5,
        [
            new WellInput("A1", WellRole.Total, null, null, 3000),
            new WellInput("B1", WellRole.Total, null, null, 3100),
            new WellInput("A2", WellRole.Nsb, null, null, 300),
            new WellInput("B2", WellRole.Nsb, null, null, 320),
            new WellInput("A3", WellRole.Sample, "CMPD-1", 1000, 400),
            new WellInput("A4", WellRole.Sample, "CMPD-1", 10, 2500),
            new WellInput("A5", WellRole.Empty, null, null, null),
        ]);

    public static PlateInput WithWell(this PlateInput input, int index, WellInput well)
    {
        var wells = input.Wells.ToArray();
        wells[index] = well;
        return input with { Wells = wells };
    }

    public static string DataPath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Data", "plates", .. parts]);

    public static readonly string[] ExampleFiles = ["sert-binding.csv", "net-binding.csv", "sert-uptake.csv", "net-uptake.csv"];

    public static PlateCsvReadResult ReadExample(string file)
    {
        using var reader = new StreamReader(DataPath(file));
        return PlateCsv.Read(reader, file);
    }

    public static PlateRead ExamplePlate(string file, string plateId)
    {
        var plate = ReadExample(file).Plates.Single(p => p.Input.PlateId == plateId);
        return PlateRules.Validate(plate.Input).Plate!;
    }
}
