using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class WellPositionTests
{
    [Theory]
    [InlineData("A1", 0, 0)]
    [InlineData("a1", 0, 0)]
    [InlineData("A01", 0, 0)]
    [InlineData("P24", 15, 23)]
    [InlineData("p024", 15, 23)]
    [InlineData("H12", 7, 11)]
    [InlineData("Z1", 25, 0)]
    [InlineData("AA1", 26, 0)]
    [InlineData("af48", 31, 47)]
    public void Well_ids_parse_to_zero_based_row_and_column(string text, int row, int column)
    {
        Assert.True(WellPosition.TryParse(text, out var p));
        Assert.Equal(new WellPosition(row, column), p);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("A")]
    [InlineData("1")]
    [InlineData("A0")]
    [InlineData("A49")]
    [InlineData("AG1")]
    [InlineData("BA1")]
    [InlineData("AAA1")]
    [InlineData("A1B")]
    [InlineData(" A1")]
    [InlineData("A-1")]
    [InlineData("A0001")]
    [InlineData("Ä1")]
    public void Malformed_well_ids_do_not_parse(string? text)
    {
        Assert.False(WellPosition.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, 0, "A1")]
    [InlineData(15, 23, "P24")]
    [InlineData(25, 9, "Z10")]
    [InlineData(26, 0, "AA1")]
    [InlineData(31, 47, "AF48")]
    public void ToString_gives_the_canonical_form(int row, int column, string expected)
    {
        Assert.Equal(expected, new WellPosition(row, column).ToString());
    }

    [Fact]
    public void Every_1536_well_round_trips_through_text()
    {
        for (var r = 0; r < 32; r++)
        {
            for (var c = 0; c < 48; c++)
            {
                var p = new WellPosition(r, c);
                Assert.True(WellPosition.TryParse(p.ToString(), out var back));
                Assert.Equal(p, back);
            }
        }
    }
}
