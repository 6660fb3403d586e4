using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class PlateFormatsTests
{
    [Theory]
    [InlineData(PlateFormat.Wells96, 8, 12)]
    [InlineData(PlateFormat.Wells384, 16, 24)]
    [InlineData(PlateFormat.Wells1536, 32, 48)]
    public void Formats_have_the_standard_geometry(PlateFormat format, int rows, int columns)
    {
        Assert.Equal(rows, PlateFormats.Rows(format));
        Assert.Equal(columns, PlateFormats.Columns(format));
        Assert.Equal((int)format, rows * columns);
    }

    [Fact]
    public void Contains_checks_both_row_and_column()
    {
        Assert.True(PlateFormats.Contains(PlateFormat.Wells96, new WellPosition(7, 11)));
        Assert.False(PlateFormats.Contains(PlateFormat.Wells96, new WellPosition(8, 0)));
        Assert.False(PlateFormats.Contains(PlateFormat.Wells96, new WellPosition(0, 12)));
        Assert.True(PlateFormats.Contains(PlateFormat.Wells384, new WellPosition(0, 12)));
    }

    [Theory]
    [InlineData(new[] { "A1", "H12" }, PlateFormat.Wells96)]
    [InlineData(new[] { "A1", "I1" }, PlateFormat.Wells384)]
    [InlineData(new[] { "A13" }, PlateFormat.Wells384)]
    [InlineData(new[] { "P24" }, PlateFormat.Wells384)]
    [InlineData(new[] { "A25" }, PlateFormat.Wells1536)]
    [InlineData(new[] { "Q1" }, PlateFormat.Wells1536)]
    [InlineData(new string[0], PlateFormat.Wells96)]
    public void Smallest_is_the_smallest_format_holding_every_well(string[] wells, PlateFormat expected)
    {
        var positions = wells.Select(w => WellPosition.TryParse(w, out var p) ? p : throw new ArgumentException(w));
        Assert.Equal(expected, PlateFormats.Smallest(positions));
    }

    [Fact]
    public void Smallest_is_null_when_no_format_holds_the_wells()
    {
        Assert.Null(PlateFormats.Smallest([new WellPosition(32, 0)]));
    }

    [Theory]
    [InlineData(96, true)]
    [InlineData(384, true)]
    [InlineData(1536, true)]
    [InlineData(0, false)]
    [InlineData(48, false)]
    [InlineData(100, false)]
    public void Only_standard_well_counts_are_formats(int wells, bool expected)
    {
        Assert.Equal(expected, PlateFormats.TryFromWellCount(wells, out var format));
        if (expected)
        {
            Assert.Equal(wells, (int)format);
        }
    }
}
