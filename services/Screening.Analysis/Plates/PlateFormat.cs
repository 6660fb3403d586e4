namespace Screening.Analysis.Plates;

/// <summary>Microplate formats; the value is the number of wells.</summary>
public enum PlateFormat
{
    Wells96 = 96,
    Wells384 = 384,
    Wells1536 = 1536,
}

/// <summary>Geometry of the standard (SBS/ANSI) plate formats: 8x12, 16x24, 32x48.</summary>
public static class PlateFormats
{
    /// <summary>Smallest first, so the first format that holds every well is the smallest.</summary>
    public static IReadOnlyList<PlateFormat> All { get; } =
        [PlateFormat.Wells96, PlateFormat.Wells384, PlateFormat.Wells1536];

    public static int Rows(PlateFormat format) => format switch
    {
        PlateFormat.Wells96 => 8,
        PlateFormat.Wells384 => 16,
        PlateFormat.Wells1536 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a plate format"),
    };

    public static int Columns(PlateFormat format) => format switch
    {
        PlateFormat.Wells96 => 12,
        PlateFormat.Wells384 => 24,
        PlateFormat.Wells1536 => 48,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a plate format"),
    };

    public static bool Contains(PlateFormat format, WellPosition position) =>
        position.Row >= 0 && position.Row < Rows(format)
        && position.Column >= 0 && position.Column < Columns(format);

    /// <summary>The smallest format holding every position (96 for none); null if none holds them all.</summary>
    public static PlateFormat? Smallest(IEnumerable<WellPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        int maxRow = 0, maxColumn = 0;
        foreach (var p in positions)
        {
            if (p.Row < 0 || p.Column < 0)
            {
                return null;
            }

            maxRow = Math.Max(maxRow, p.Row);
            maxColumn = Math.Max(maxColumn, p.Column);
        }

        foreach (var format in All)
        {
            if (maxRow < Rows(format) && maxColumn < Columns(format))
            {
                return format;
            }
        }

        return null;
    }

    public static bool TryFromWellCount(int wells, out PlateFormat format)
    {
        format = (PlateFormat)wells;
        return wells is 96 or 384 or 1536;
    }

    /// <summary>"A1..P24" for a 384-well plate: used in messages.</summary>
    public static string Range(PlateFormat format) =>
        $"A1..{new WellPosition(Rows(format) - 1, Columns(format) - 1)}";
}
