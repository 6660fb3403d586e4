using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class PlateRulesTests
{
    private static PlateViolation SingleViolation(PlateInput input)
    {
        var result = PlateRules.Validate(input);
        Assert.Null(result.Plate);
        return Assert.Single(result.Violations);
    }

    [Fact]
    public void A_valid_plate_yields_a_plate_and_no_violations()
    {
        var result = PlateRules.Validate(PlateFixtures.ValidInput());

        Assert.Empty(result.Violations);
        var plate = Assert.IsType<PlateRead>(result.Plate);
        Assert.Equal(PlateFormat.Wells96, plate.Format);
        Assert.Equal(7, plate.Wells.Count);
        Assert.Equal(new WellPosition(0, 2), plate.Wells[4].Position);
        Assert.Equal("CMPD-1", plate.Wells[4].CompoundId);
        Assert.True(double.IsNaN(plate.Wells[6].Signal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("P 1")]
    [InlineData("P/1")]
    [InlineData("P1,")]
    [InlineData("Pé")]
    public void Plate_ids_outside_the_alphabet_are_rejected(string id)
    {
        var v = SingleViolation(PlateFixtures.ValidInput() with { PlateId = id });
        Assert.Equal(PlateField.PlateId, v.Field);
        Assert.Null(v.WellIndex);
    }

    [Fact]
    public void A_plate_id_of_64_characters_is_accepted_and_65_rejected()
    {
        Assert.NotNull(PlateRules.Validate(PlateFixtures.ValidInput() with { PlateId = new string('a', 64) }).Plate);
        var v = SingleViolation(PlateFixtures.ValidInput() with { PlateId = "A-b_9." + new string('x', 59) });
        Assert.Equal(PlateField.PlateId, v.Field);
    }

    [Fact]
    public void Target_is_required()
    {
        Assert.Equal(PlateField.Target, SingleViolation(PlateFixtures.ValidInput() with { Target = null }).Field);
    }

    [Fact]
    public void Assay_is_required()
    {
        Assert.Equal(PlateField.Assay, SingleViolation(PlateFixtures.ValidInput() with { Assay = null }).Field);
    }

    [Fact]
    public void An_undefined_target_value_is_rejected()
    {
        Assert.Equal(PlateField.Target, SingleViolation(PlateFixtures.ValidInput() with { Target = (Target)99 }).Field);
    }

    [Theory]
    [InlineData(null, PlateFormat.Wells96)]
    [InlineData(0, PlateFormat.Wells96)]
    [InlineData(384, PlateFormat.Wells384)]
    [InlineData(1536, PlateFormat.Wells1536)]
    public void Format_is_declared_or_inferred(int? declared, PlateFormat expected)
    {
        var plate = PlateRules.Validate(PlateFixtures.ValidInput() with { Format = declared }).Plate;
        Assert.Equal(expected, plate!.Format);
    }

    [Fact]
    public void An_inferred_format_is_the_smallest_that_holds_every_well()
    {
        var input = PlateFixtures.ValidInput() with { Format = null };
        input = input.WithWell(6, new WellInput("I13", WellRole.Empty, null, null, null));
        Assert.Equal(PlateFormat.Wells384, PlateRules.Validate(input).Plate!.Format);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(-96)]
    [InlineData(6)]
    public void Other_formats_are_rejected(int format)
    {
        var v = SingleViolation(PlateFixtures.ValidInput() with { Format = format });
        Assert.Equal(PlateField.PlateFormat, v.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A0")]
    [InlineData("AG1")]
    [InlineData("A49")]
    [InlineData("1A")]
    [InlineData("well5")]
    public void Malformed_well_ids_are_rejected_with_index_and_id(string well)
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(6, new WellInput(well, WellRole.Empty, null, null, null)));
        Assert.Equal(PlateField.Well, v.Field);
        Assert.Equal(6, v.WellIndex);
        Assert.Equal(well, v.Well);
    }

    [Theory]
    [InlineData("I1")]
    [InlineData("A13")]
    [InlineData("P24")]
    public void Wells_outside_the_declared_format_are_rejected(string well)
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(6, new WellInput(well, WellRole.Empty, null, null, null)));
        Assert.Equal(PlateField.Well, v.Field);
        Assert.Contains("outside a 96-well plate", v.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A3")]
    [InlineData("a03")]
    public void A_well_listed_twice_is_rejected_even_in_another_spelling(string well)
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(6, new WellInput(well, WellRole.Empty, null, null, null)));
        Assert.Equal(PlateField.Well, v.Field);
        Assert.Equal(6, v.WellIndex);
        Assert.Contains("more than once", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Role_is_required()
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(6, new WellInput("A5", null, null, null, null)));
        Assert.Equal(PlateField.Role, v.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void A_sample_needs_a_valid_compound_id(string? compound)
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(4, new WellInput("A3", WellRole.Sample, compound, 1000, 400)));
        Assert.Equal(PlateField.CompoundId, v.Field);
        Assert.Equal(4, v.WellIndex);
    }

    [Fact]
    public void A_compound_id_longer_than_64_characters_is_rejected()
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(4, new WellInput("A3", WellRole.Sample, new string('C', 65), 1000, 400)));
        Assert.Equal(PlateField.CompoundId, v.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_sample_needs_a_finite_positive_concentration(double? concentration)
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(4, new WellInput("A3", WellRole.Sample, "CMPD-1", concentration, 400)));
        Assert.Equal(PlateField.ConcentrationNm, v.Field);
        Assert.Equal(4, v.WellIndex);
        Assert.Equal("A3", v.Well);
    }

    [Fact]
    public void The_message_names_the_well_the_field_and_the_value()
    {
        var v = SingleViolation(PlateFixtures.ValidInput().WithWell(4, new WellInput("B7", WellRole.Sample, "CMPD-1", -3, 400)));
        Assert.Equal("well B7: concentration_nM must be a finite number > 0, got -3", v.Message);
    }

    [Theory]
    [InlineData(WellRole.Total, null)]
    [InlineData(WellRole.Nsb, null)]
    [InlineData(WellRole.Sample, null)]
    [InlineData(WellRole.Total, -0.1)]
    [InlineData(WellRole.Sample, double.NaN)]
    [InlineData(WellRole.Nsb, double.NegativeInfinity)]
    [InlineData(WellRole.Empty, -1.0)]
    public void Signals_must_be_present_finite_and_not_negative(WellRole role, double? signal)
    {
        var input = PlateFixtures.ValidInput()
            .WithWell(6, new WellInput("A5", role, "CMPD-2", 5, signal));
        var v = SingleViolation(input);
        Assert.Equal(PlateField.Signal, v.Field);
        Assert.Equal(6, v.WellIndex);
    }

    [Fact]
    public void A_signal_of_zero_is_valid_and_an_empty_well_may_omit_it()
    {
        var input = PlateFixtures.ValidInput().WithWell(4, new WellInput("A3", WellRole.Sample, "CMPD-1", 1000, 0));
        Assert.NotNull(PlateRules.Validate(input).Plate);
    }

    [Fact]
    public void Ligand_and_ligand_kd_are_optional_together()
    {
        var plate = PlateRules.Validate(PlateFixtures.ValidInput() with { LigandNm = null, LigandKdNm = null }).Plate;
        Assert.Null(plate!.LigandNm);
        Assert.Null(plate.LigandKdNm);
    }

    [Fact]
    public void Ligand_without_its_kd_is_rejected()
    {
        Assert.Equal(PlateField.LigandKdNm, SingleViolation(PlateFixtures.ValidInput() with { LigandKdNm = null }).Field);
    }

    [Fact]
    public void Kd_without_its_ligand_is_rejected()
    {
        Assert.Equal(PlateField.LigandNm, SingleViolation(PlateFixtures.ValidInput() with { LigandNm = null }).Field);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Ligand_values_must_be_finite_and_positive(double value)
    {
        Assert.Equal(PlateField.LigandNm, SingleViolation(PlateFixtures.ValidInput() with { LigandNm = value }).Field);
        Assert.Equal(PlateField.LigandKdNm, SingleViolation(PlateFixtures.ValidInput() with { LigandKdNm = value }).Field);
    }

    [Theory]
    [InlineData(WellRole.Total, "at least 2 total wells, found 1")]
    [InlineData(WellRole.Nsb, "at least 2 nsb wells, found 1")]
    public void A_plate_needs_two_of_each_control(WellRole role, string message)
    {
        var wells = PlateFixtures.ValidInput().Wells.ToList();
        wells.Remove(wells.First(w => w.Role == role));
        var v = SingleViolation(PlateFixtures.ValidInput() with { Wells = wells });
        Assert.Equal(PlateField.Wells, v.Field);
        Assert.Null(v.WellIndex);
        Assert.Contains(message, v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plate_needs_a_sample_well()
    {
        var wells = PlateFixtures.ValidInput().Wells.Where(w => w.Role != WellRole.Sample).ToArray();
        var v = SingleViolation(PlateFixtures.ValidInput() with { Wells = wells });
        Assert.Equal(PlateField.Wells, v.Field);
    }

    [Fact]
    public void An_empty_plate_reports_every_missing_role()
    {
        var result = PlateRules.Validate(PlateFixtures.ValidInput() with { Wells = [] });
        Assert.Equal(3, result.Violations.Count);
    }

    [Fact]
    public void All_violations_are_collected_not_only_the_first()
    {
        var input = new PlateInput("bad id", null, AssayType.Binding, 96, 1, null,
        [
            new WellInput("A1", WellRole.Total, null, null, 1),
            new WellInput("Z99", WellRole.Nsb, null, null, 1),
            new WellInput("A3", WellRole.Sample, null, -1, 5),
        ]);

        var fields = PlateRules.Validate(input).Violations.Select(v => v.Field).ToArray();

        Assert.Contains(PlateField.PlateId, fields);
        Assert.Contains(PlateField.Target, fields);
        Assert.Contains(PlateField.LigandKdNm, fields);
        Assert.Contains(PlateField.Well, fields);
        Assert.Contains(PlateField.CompoundId, fields);
        Assert.Contains(PlateField.ConcentrationNm, fields);
        Assert.Equal(2, fields.Count(f => f == PlateField.Wells));
    }

    [Fact]
    public void Violations_are_capped_with_a_note_of_how_many_more()
    {
        var wells = Enumerable.Range(0, 300)
            .Select(i => new WellInput(new WellPosition(i / 24, i % 24).ToString(), WellRole.Sample, "C", -1, 1))
            .ToArray();
        var violations = PlateRules.Validate(PlateFixtures.ValidInput() with { Format = 384, Wells = wells }).Violations;

        Assert.Equal(PlateRules.MaxViolations + 1, violations.Count);
        Assert.Contains("more violations not listed", violations[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_wells_do_not_carry_a_compound()
    {
        var input = PlateFixtures.ValidInput().WithWell(0, new WellInput("A1", WellRole.Total, "REF-BLOCKER", 10, 3000));
        var well = PlateRules.Validate(input).Plate!.Wells[0];
        Assert.Null(well.CompoundId);
        Assert.Null(well.ConcentrationNm);
    }
}
