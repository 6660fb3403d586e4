using System.Globalization;

namespace Screening.Analysis.Plates;

/// <summary>
/// A well by 0-based row and column. Text form is "A1": rows A-Z then AA-AF (1536-well plates
/// have 32 rows), columns from 1; parsing accepts lower case and zero-padded columns ("a01").
/// </summary>
public readonly record struct WellPosition(int Row, int Column)
{
    /// <summary>Rows and columns of the largest plate (1536 wells): what <see cref="TryParse"/> accepts.</summary>
    internal const int MaxRows = 32;
    internal const int MaxColumns = 48;

    public static bool TryParse(string? text, out WellPosition position)
    {
        position = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var letters = 0;
        while (letters < text.Length && char.IsAsciiLetter(text[letters]))
        {
            letters++;
        }

        int row;
        if (letters == 1)
        {
            row = char.ToUpperInvariant(text[0]) - 'A';
        }
        else if (letters == 2 && char.ToUpperInvariant(text[0]) == 'A')
        {
            // Second letter A-F: rows 27-32 of a 1536-well plate.
            row = 26 + char.ToUpperInvariant(text[1]) - 'A';
        }
        else
        {
            return false;
        }

        var digits = text.AsSpan(letters);
        if (digits.IsEmpty || digits.Length > 3 || row >= MaxRows)
        {
            return false;
        }

        var column = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            column = (column * 10) + (c - '0');
        }

        if (column < 1 || column > MaxColumns)
        {
            return false;
        }

        position = new WellPosition(row, column - 1);
        return true;
    }

    /// <summary>The row's letters: A..Z, then AA, AB, ... (spreadsheet-style).</summary>
    public string RowName
    {
        get
        {
            var name = string.Empty;
            for (var r = Row + 1; r > 0; r = (r - 1) / 26)
            {
                name = (char)('A' + ((r - 1) % 26)) + name;
            }

            return name;
        }
    }

    public override string ToString() =>
        RowName + (Column + 1).ToString(CultureInfo.InvariantCulture);
}
