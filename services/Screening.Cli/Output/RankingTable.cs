using Screening.Protos.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Screening.Cli.Output;

/// <summary>A ranking as a table for people: potencies, the fold with its interval, and the call.</summary>
internal static class RankingTable
{
    public static Table Create(string title, IEnumerable<RankedCompound> compounds)
    {
        ArgumentNullException.ThrowIfNull(compounds);
        var table = new Table()
            .Title(Markup.Escape(title))
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn("compound")
            .AddColumn(new TableColumn("SERT Ki").RightAligned())
            .AddColumn(new TableColumn("NET Ki").RightAligned())
            .AddColumn(new TableColumn("fold NET/SERT [[95 % CI]]").RightAligned())
            .AddColumn("prefers")
            .AddColumn(new TableColumn("n SERT/NET").Centered());
        foreach (var c in compounds)
        {
            table.AddRow(
                new Text(c.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(c.CompoundId),
                new Text(Potency(c.Sert)),
                new Text(Potency(c.Net)),
                new Text(Figures.Fold(c.SelectivityFold, c.SelectivityQualifier, c.SelectivityCi95Low, c.SelectivityCi95High)),
                PreferenceCell(c.Preference),
                new Text($"{c.Sert?.Replicates ?? 0}/{c.Net?.Replicates ?? 0}"));
        }

        return table;
    }

    public static IRenderable PreferenceCell(Preference preference) => preference switch
    {
        Preference.Sert => new Text("SERT", new Style(Color.Green)),
        Preference.Net => new Text("NET", new Style(Color.Aqua)),
        _ => new Text("none", new Style(decoration: Decoration.Dim)),
    };

    /// <summary>Ki, or IC50 (marked) when the plates gave no radioligand Kd for Cheng-Prusoff.</summary>
    public static string Potency(TargetPotency? potency) =>
        potency is null ? "–" : Figures.Nanomolar(potency.Ki) + (potency.IsIc50 && Figures.IsMeasured(potency.Ki) ? " (IC50)" : string.Empty);
}
