using Screening.Analysis.Plates;
using Screening.Cli.Submission;
using ProtoViolation = Screening.Protos.V1.FieldViolation;

namespace Screening.Cli.Tests;

/// <summary>A violation the server reports by gRPC field path must come back as the CSV line and column it was read from.</summary>
public class FieldViolationLocationTests
{
    // Line 1 is the header; the plate's rows are not contiguous (line 4 belongs to another plate).
    private const string Csv = """
        plate_id,target,assay,well,role,compound_id,concentration_nM,signal,ligand_nM,ligand_kd_nM
        P1,SERT,binding,A1,total,,,3000,1,1.5
        P1,SERT,binding,A2,total,,,3100,1,1.5
        P2,NET,binding,A1,total,,,3000,1,0.8
        P1,SERT,binding,B1,nsb,,,300,1,1.5
        P1,SERT,binding,B2,nsb,,,310,1,1.5
        P1,SERT,binding,C1,sample,CITALOPRAM,10,900,1,1.5
        """;

    private static PlateFromFile Plate()
    {
        var read = PlateCsv.Read(new StringReader(Csv), "sert.csv");
        return new PlateFromFile("sert.csv", read.Plates.Single(p => p.Input.PlateId == "P1"));
    }

    [Fact]
    public void A_well_field_maps_to_that_wells_line_and_column()
    {
        var located = PlateFiles.Locate(Plate(), [new ProtoViolation { Field = "plate.wells[4].concentration_nm", Well = "C1", Description = "too high" }]).Single();

        Assert.Equal("P1", located.PlateId);
        Assert.Equal(7, located.Line);
        Assert.Equal("concentration_nM", located.Column);
        Assert.Equal("sert.csv: plate P1, line 7, column concentration_nM: too high", located.ToString());
    }

    [Fact]
    public void A_well_after_a_row_of_another_plate_maps_to_its_own_line()
    {
        var located = PlateFiles.Locate(Plate(), [new ProtoViolation { Field = "plate.wells[2].signal", Description = "bad" }]).Single();

        Assert.Equal(5, located.Line);
        Assert.Equal("signal", located.Column);
    }

    [Fact]
    public void A_plate_level_field_maps_to_the_plates_first_line_and_its_column()
    {
        var located = PlateFiles.Locate(Plate(), [new ProtoViolation { Field = "plate.ligand_kd_nm", Description = "unknown radioligand" }]).Single();

        Assert.Equal(2, located.Line);
        Assert.Equal("ligand_kd_nM", located.Column);
    }

    [Fact]
    public void A_rule_about_the_wells_as_a_whole_names_neither_line_nor_column()
    {
        var located = PlateFiles.Locate(Plate(), [new ProtoViolation { Field = "plate.wells", Description = "needs 2 nsb wells" }]).Single();

        Assert.Null(located.Line);
        Assert.Null(located.Column);
        Assert.Equal("sert.csv: plate P1: needs 2 nsb wells", located.ToString());
    }
}
