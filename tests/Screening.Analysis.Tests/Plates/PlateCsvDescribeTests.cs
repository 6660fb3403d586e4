using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class PlateCsvDescribeTests
{
    private static PlateCsvError[] Errors(string csv)
    {
        var read = PlateFixtures.Read(csv, "sert.csv");
        Assert.Empty(read.Errors);
        var plate = Assert.Single(read.Plates);
        return PlateCsv.Describe(plate, PlateRules.Validate(plate.Input).Violations, "sert.csv").ToArray();
    }

    [Fact]
    public void A_well_violation_names_plate_line_and_column()
    {
        var error = Assert.Single(Errors(PlateFixtures.CsvWithRow(4, "P1,SERT,binding,B7,sample,CMPD-1,-3,400,1,1.5,96")));
        Assert.Equal("sert.csv: plate P1, line 6, column concentration_nM: well B7: concentration_nM must be a finite number > 0, got -3",
            error.ToString());
    }

    [Theory]
    [InlineData("P1,SERT,binding,Q1,sample,CMPD-1,1000,400,1,1.5,96", "well")]
    [InlineData("P1,SERT,binding,A0,sample,CMPD-1,1000,400,1,1.5,96", "well")]
    [InlineData("P1,SERT,binding,a01,sample,CMPD-1,1000,400,1,1.5,96", "well")]
    [InlineData("P1,SERT,binding,A3,,CMPD-1,1000,400,1,1.5,96", "role")]
    [InlineData("P1,SERT,binding,A3,sample,,1000,400,1,1.5,96", "compound_id")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,,400,1,1.5,96", "concentration_nM")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,-1,1,1.5,96", "signal")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,Infinity,1,1.5,96", "signal")]
    public void Each_well_rule_maps_to_its_column_and_line(string row, string column)
    {
        var error = Assert.Single(Errors(PlateFixtures.CsvWithRow(4, row)));
        Assert.Equal(column, error.Column);
        Assert.Equal(6, error.Line);
        Assert.Equal("P1", error.PlateId);
    }

    [Fact]
    public void A_plate_level_violation_points_at_the_plates_first_row()
    {
        var rows = PlateFixtures.ValidRows.Select(r => r.Replace(",1,1.5,96", ",1,,96", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(Errors(PlateFixtures.Csv(rows)));
        Assert.Equal("ligand_kd_nM", error.Column);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Invalid_plate_id_and_format_are_described()
    {
        var rows = PlateFixtures.ValidRows.Select(r => "P 1" + r[2..].Replace(",96", ",100", StringComparison.Ordinal)).ToArray();
        var errors = Errors(PlateFixtures.Csv(rows));
        Assert.Contains(errors, e => e.Column == "plate_id" && e.PlateId == "P 1");
        Assert.Contains(errors, e => e.Column == "plate_format" && e.Message.Contains("got 100", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_controls_name_the_plate_without_a_line_or_column()
    {
        var rows = PlateFixtures.ValidRows.Where(r => !r.Contains(",nsb,", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(Errors(PlateFixtures.Csv(rows)));
        Assert.Null(error.Line);
        Assert.Null(error.Column);
        Assert.Equal("sert.csv: plate P1: a plate needs at least 2 nsb wells, found 0", error.ToString());
    }
}
