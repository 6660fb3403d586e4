using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class PlateCsvReadTests
{
    private static PlateCsvPlate SinglePlate(string csv)
    {
        var result = PlateFixtures.Read(csv);
        Assert.Empty(result.Errors);
        var plate = Assert.Single(result.Plates);
        var validation = PlateRules.Validate(plate.Input);
        Assert.Empty(validation.Violations);
        return plate;
    }

    private static PlateCsvError SingleError(string csv)
    {
        var result = PlateFixtures.Read(csv);
        Assert.Empty(result.Plates);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void A_valid_file_gives_a_plate_with_the_line_of_each_well()
    {
        var plate = SinglePlate(PlateFixtures.ValidCsv);

        Assert.Equal("P1", plate.Input.PlateId);
        Assert.Equal(Target.Sert, plate.Input.Target);
        Assert.Equal(AssayType.Binding, plate.Input.Assay);
        Assert.Equal(96, plate.Input.Format);
        Assert.Equal(1.0, plate.Input.LigandNm);
        Assert.Equal(1.5, plate.Input.LigandKdNm);
        Assert.Equal([2, 3, 4, 5, 6, 7, 8], plate.WellLines);
        Assert.Equal(new WellInput("A3", WellRole.Sample, "CMPD-1", 1000, 400), plate.Input.Wells[4]);
        Assert.Null(plate.Input.Wells[6].Signal);
    }

    [Fact]
    public void A_byte_order_mark_is_allowed()
    {
        SinglePlate("\uFEFF" + PlateFixtures.ValidCsv);
    }

    [Fact]
    public void A_byte_order_mark_is_allowed_through_a_utf8_stream()
    {
        var bytes = new System.Text.UTF8Encoding(true).GetPreamble()
            .Concat(System.Text.Encoding.UTF8.GetBytes(PlateFixtures.ValidCsv)).ToArray();
        using var reader = new StreamReader(new MemoryStream(bytes));
        var result = PlateCsv.Read(reader, "bom.csv");
        Assert.Empty(result.Errors);
        Assert.Single(result.Plates);
    }

    [Fact]
    public void CRLF_line_ends_are_allowed_and_lines_still_count()
    {
        var plate = SinglePlate(PlateFixtures.ValidCsv.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(8, plate.WellLines[^1]);
        Assert.Equal("A5", plate.Input.Wells[^1].Well);
    }

    [Fact]
    public void A_last_line_without_line_end_is_read()
    {
        var plate = SinglePlate(PlateFixtures.ValidCsv.TrimEnd('\n'));
        Assert.Equal(7, plate.Input.Wells.Count);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        var csv = PlateFixtures.Header + "\n\n" + string.Join("\n\n", PlateFixtures.ValidRows) + "\n\n";
        var plate = SinglePlate(csv);
        Assert.Equal(3, plate.WellLines[0]);
        Assert.Equal(15, plate.WellLines[^1]);
    }

    [Fact]
    public void Quoted_fields_with_escaped_quotes_commas_and_newlines_are_read()
    {
        var rows = PlateFixtures.ValidRows.ToArray();
        rows[4] = "\"P1\",\"SERT\",binding,\"A3\",sample,\"CMPD-1\",\"1000\",\"400\",1,1.5,96";
        var csv = PlateFixtures.Header + ",note\n" +
            string.Join("\n", rows.Select((r, i) => r + (i == 0 ? ",\"multi\nline, \"\"quoted\"\" note\"" : ",x"))) + "\n";

        var plate = SinglePlate(csv);

        Assert.Equal(new WellInput("A3", WellRole.Sample, "CMPD-1", 1000, 400), plate.Input.Wells[4]);
        Assert.Equal(2, plate.WellLines[0]);
        Assert.Equal(4, plate.WellLines[1]);
    }

    [Fact]
    public void Header_names_match_in_any_case_and_order_and_extra_columns_are_ignored()
    {
        var csv = "Signal,WELL,Role,Plate_ID,comment,TARGET,Assay,COMPOUND_ID,Concentration_NM,Ligand_nM,LIGAND_KD_NM,Plate_Format\n"
            + "3000,A1,total,P1,hello,SERT,binding,,,1,1.5,96\n"
            + "3100,B1,total,P1,,SERT,binding,,,1,1.5,96\n"
            + "300,A2,nsb,P1,,SERT,binding,,,1,1.5,96\n"
            + "320,B2,nsb,P1,,SERT,binding,,,1,1.5,96\n"
            + "400,A3,sample,P1,x,SERT,binding,CMPD-1,1000,1,1.5,96\n";

        var plate = SinglePlate(csv);

        Assert.Equal(new WellInput("A3", WellRole.Sample, "CMPD-1", 1000, 400), plate.Input.Wells[4]);
        Assert.Equal(1.5, plate.Input.LigandKdNm);
    }

    [Fact]
    public void Values_of_target_assay_role_are_case_insensitive()
    {
        var csv = PlateFixtures.CsvWithRow(0, "P1,sert,BINDING,A1,Total,,,3000,1,1.5,96");
        var plate = SinglePlate(csv);
        Assert.Equal(WellRole.Total, plate.Input.Wells[0].Role);
    }

    [Fact]
    public void Zero_padded_wells_are_accepted()
    {
        var csv = PlateFixtures.CsvWithRow(4, "P1,SERT,binding,A03,sample,CMPD-1,1000,400,1,1.5,96");
        var plate = SinglePlate(csv);
        Assert.Equal(new WellPosition(0, 2), PlateRules.Validate(plate.Input).Plate!.Wells[4].Position);
    }

    [Fact]
    public void Optional_columns_may_be_absent_and_the_format_is_inferred()
    {
        var csv = "plate_id,target,assay,well,role,compound_id,concentration_nM,signal\n"
            + string.Join("\n", PlateFixtures.ValidRows.Select(r => string.Join(',', r.Split(',')[..8]))) + "\n";
        var plate = SinglePlate(csv);
        Assert.Null(plate.Input.Format);
        Assert.Null(plate.Input.LigandNm);
        Assert.Equal(PlateFormat.Wells96, PlateRules.Validate(plate.Input).Plate!.Format);
    }

    [Fact]
    public void Numbers_in_exponent_form_are_read()
    {
        var plate = SinglePlate(PlateFixtures.CsvWithRow(4, "P1,SERT,binding,A3,sample,CMPD-1,1E+3,4.0e2,1,1.5,96"));
        Assert.Equal(1000, plate.Input.Wells[4].ConcentrationNm);
    }

    [Fact]
    public void Many_plates_in_one_file_need_not_be_contiguous()
    {
        var p2 = PlateFixtures.ValidRows.Select(r => r.Replace("P1,SERT", "P2,NET", StringComparison.Ordinal)).ToArray();
        var rows = PlateFixtures.ValidRows.Zip(p2).SelectMany(pair => new[] { pair.First, pair.Second }).ToArray();

        var result = PlateFixtures.Read(PlateFixtures.Csv(rows));

        Assert.Empty(result.Errors);
        Assert.Equal(["P1", "P2"], result.Plates.Select(p => p.Input.PlateId));
        Assert.Equal([2, 4, 6, 8, 10, 12, 14], result.Plates[0].WellLines);
        Assert.Equal([3, 5, 7, 9, 11, 13, 15], result.Plates[1].WellLines);
        Assert.Equal(Target.Net, result.Plates[1].Input.Target);
    }

    [Fact]
    public void An_unparseable_number_rejects_the_plate_and_names_plate_line_and_column()
    {
        var error = SingleError(PlateFixtures.CsvWithRow(4, "P1,SERT,binding,A3,sample,CMPD-1,abc,400,1,1.5,96"));
        Assert.Equal(new PlateCsvError("test.csv", "P1", 6, "concentration_nM", "must be a finite number > 0, got \"abc\""), error);
        Assert.Equal("test.csv: plate P1, line 6, column concentration_nM: must be a finite number > 0, got \"abc\"", error.ToString());
    }

    [Theory]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,12abc,1,1.5,96", "signal")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,one,1.5,96", "ligand_nM")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,1.5.1,96", "ligand_kd_nM")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,1.5,384w", "plate_format")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,\"1,000\",400,1,1.5,96", "concentration_nM")]
    [InlineData("P1,DAT,binding,A3,sample,CMPD-1,1000,400,1,1.5,96", "target")]
    [InlineData("P1,SERT,functional,A3,sample,CMPD-1,1000,400,1,1.5,96", "assay")]
    [InlineData("P1,SERT,binding,A3,blank,CMPD-1,1000,400,1,1.5,96", "role")]
    public void Unparseable_or_unknown_values_reject_the_plate(string row, string column)
    {
        var errors = PlateFixtures.Read(PlateFixtures.CsvWithRow(4, row));
        Assert.Empty(errors.Plates);
        Assert.Contains(errors.Errors, e => e.Column == column && e.Line == 6 && e.PlateId == "P1");
    }

    [Fact]
    public void A_rejected_plate_does_not_take_other_plates_with_it()
    {
        var good = PlateFixtures.ValidRows.Select(r => r.Replace("P1,", "P2,", StringComparison.Ordinal));
        var bad = PlateFixtures.ValidRows.ToArray();
        bad[5] = "P1,SERT,binding,A4,sample,CMPD-1,NaN?,2500,1,1.5,96";

        var result = PlateFixtures.Read(PlateFixtures.Csv([.. bad, .. good]));

        Assert.Equal("P2", Assert.Single(result.Plates).Input.PlateId);
        Assert.Equal("P1", Assert.Single(result.Errors).PlateId);
    }

    [Theory]
    [InlineData("P1,NET,binding,A3,sample,CMPD-1,1000,400,1,1.5,96", "target")]
    [InlineData("P1,SERT,uptake,A3,sample,CMPD-1,1000,400,1,1.5,96", "assay")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,2,1.5,96", "ligand_nM")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,,96", "ligand_kd_nM")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,1.5,384", "plate_format")]
    public void Plate_level_values_must_agree_on_every_row(string row, string column)
    {
        var error = SingleError(PlateFixtures.CsvWithRow(4, row));
        Assert.Equal(column, error.Column);
        Assert.Equal(6, error.Line);
        Assert.Contains("on line 6", error.Message, StringComparison.Ordinal);
        Assert.Contains("on line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plate_level_values_agree_regardless_of_case_and_number_spelling()
    {
        SinglePlate(PlateFixtures.CsvWithRow(4, "P1,Sert,Binding,A3,sample,CMPD-1,1000,400,1.0,15e-1,096"));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_fields_rejects_its_plate()
    {
        var error = SingleError(PlateFixtures.CsvWithRow(4, "P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,1.5"));
        Assert.Equal("P1", error.PlateId);
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void A_file_cut_off_in_the_middle_of_a_row_rejects_that_plate()
    {
        var csv = PlateFixtures.ValidCsv;
        var error = SingleError(csv[..csv.IndexOf("CMPD-1,10,", StringComparison.Ordinal)]);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void A_truncated_quoted_field_is_a_file_level_error()
    {
        var csv = PlateFixtures.ValidCsv + "P2,SERT,binding,A1,\"total,,,3000,1,1.5,96\n";
        var error = SingleError(csv);
        Assert.Null(error.PlateId);
        Assert.Equal(9, error.Line);
        Assert.Contains("quoted field", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P1,SERT,binding,A3,sample,CMPD\"1,1000,400,1,1.5,96")]
    [InlineData("P1,SERT,binding,A3,sample,\"CMPD\"1,1000,400,1,1.5,96")]
    [InlineData("P1,SERT,binding,A3,sample,CMPD-1,1000,400,1,1.5,96\rP1,SERT,binding,A6,empty,,,,1,1.5,96")]
    public void Broken_quoting_and_bare_CR_are_file_level_errors(string row)
    {
        var error = SingleError(PlateFixtures.CsvWithRow(4, row));
        Assert.Null(error.PlateId);
        Assert.Equal(6, error.Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\n\n")]
    public void An_empty_file_is_a_file_level_error(string csv)
    {
        var error = SingleError(csv);
        Assert.Null(error.PlateId);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_rows_is_an_error()
    {
        Assert.Null(SingleError(PlateFixtures.Header + "\n").PlateId);
    }

    [Theory]
    [InlineData("plate_id")]
    [InlineData("target")]
    [InlineData("assay")]
    [InlineData("well")]
    [InlineData("role")]
    [InlineData("compound_id")]
    [InlineData("concentration_nM")]
    [InlineData("signal")]
    public void A_missing_required_column_is_a_file_level_error(string column)
    {
        var header = PlateFixtures.Header.Replace(column + ",", "x_" + column + ",", StringComparison.Ordinal);
        var csv = header + PlateFixtures.ValidCsv[PlateFixtures.Header.Length..];
        var error = SingleError(csv);
        Assert.Null(error.PlateId);
        Assert.Equal(column, error.Column);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_column_named_twice_is_a_file_level_error()
    {
        var error = SingleError(PlateFixtures.Header + ",SIGNAL\n" + string.Join("\n", PlateFixtures.ValidRows.Select(r => r + ",1")));
        Assert.Equal("SIGNAL", error.Column);
    }

    [Fact]
    public void A_row_without_plate_id_rejects_the_whole_file()
    {
        var result = PlateFixtures.Read(PlateFixtures.Csv([.. PlateFixtures.ValidRows, ",SERT,binding,A6,empty,,,,1,1.5,96"]));
        Assert.Empty(result.Plates);
        var error = Assert.Single(result.Errors);
        Assert.Null(error.PlateId);
        Assert.Equal(9, error.Line);
    }

    [Fact]
    public void A_file_level_error_reports_without_plate_line_or_column_when_unknown()
    {
        Assert.Equal("x.csv: the file is empty: a header row and at least one well row are needed",
            PlateFixtures.Read("", "x.csv").Errors.Single().ToString());
    }

    [Fact]
    public void Errors_per_plate_are_capped()
    {
        var rows = Enumerable.Range(0, 300).Select(i => $"P1,SERT,binding,A{i % 12 + 1},sample,C,x,1,1,1.5,96");
        var result = PlateFixtures.Read(PlateFixtures.Csv([.. rows]));
        Assert.Equal(PlateCsv.MaxErrorsPerPlate + 1, result.Errors.Count);
    }
}
