using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Screening.Protos.V1;

namespace Screening.Cli.Output;

/// <summary>
/// One compound of a ranking as `screen ranking --format csv|json` writes it. Numbers are nM;
/// null means not measured (qualifier null too) or, for the interval, not estimable.
/// </summary>
internal sealed record RankingRow(
    int Rank,
    string CompoundId,
    string Assay,
    double? SertKiNm,
    string? SertQualifier,
    double? NetKiNm,
    string? NetQualifier,
    double? SelectivityFold,
    string? SelectivityQualifier,
    double? SelectivityCi95Low,
    double? SelectivityCi95High,
    string Preference,
    int NSert,
    int NNet,
    bool AssaysDisagree)
{
    /// <summary>The columns, in order: the CSV header and the JSON property names.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "rank", "compound_id", "assay", "sert_ki_nM", "sert_qualifier", "net_ki_nM", "net_qualifier",
        "selectivity_fold", "selectivity_qualifier", "selectivity_ci95_low", "selectivity_ci95_high",
        "preference", "n_sert", "n_net", "assays_disagree",
    ];

    public static RankingRow From(RankedCompound compound)
    {
        ArgumentNullException.ThrowIfNull(compound);
        var sert = Figures.IsMeasured(compound.Sert?.Ki) ? compound.Sert!.Ki : null;
        var net = Figures.IsMeasured(compound.Net?.Ki) ? compound.Net!.Ki : null;
        var foldKnown = compound.SelectivityQualifier != Qualifier.Unspecified
            && double.IsFinite(compound.SelectivityFold) && compound.SelectivityFold > 0;

        // The service sends 0 for an interval it could not estimate (a bound has none).
        var intervalKnown = foldKnown && compound.SelectivityCi95Low > 0 && compound.SelectivityCi95High > 0;
        return new RankingRow(
            (int)compound.Rank,
            compound.CompoundId,
            Figures.Assay(compound.Assay),
            sert?.ValueNm,
            sert is null ? null : Figures.Symbol(sert.Qualifier),
            net?.ValueNm,
            net is null ? null : Figures.Symbol(net.Qualifier),
            foldKnown ? compound.SelectivityFold : null,
            foldKnown ? Figures.Symbol(compound.SelectivityQualifier) : null,
            intervalKnown ? compound.SelectivityCi95Low : null,
            intervalKnown ? compound.SelectivityCi95High : null,
            Figures.Preference(compound.Preference),
            (int)(compound.Sert?.Replicates ?? 0),
            (int)(compound.Net?.Replicates ?? 0),
            compound.AssaysDisagree);
    }

    /// <summary>RFC 4180: a header row, CRLF line ends, invariant round-trippable numbers, empty for null.</summary>
    public static string ToCsv(IEnumerable<RankingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var row in rows)
        {
            csv.AppendJoin(',', row.Fields().Select(f => Escape(f switch
            {
                null => string.Empty,
                double d => Number(d),
                int i => i.ToString(CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                _ => f.ToString() ?? string.Empty,
            })));
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>An array of objects, one per row, with the columns as property names and null for missing numbers.</summary>
    public static string ToJson(IEnumerable<RankingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,

            // Written for files and pipes, not HTML: keep "<" and ">" qualifiers readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                var fields = row.Fields();
                for (var i = 0; i < Columns.Count; i++)
                {
                    json.WritePropertyName(Columns[i]);
                    switch (fields[i])
                    {
                        case null:
                            json.WriteNullValue();
                            break;
                        case double d when double.IsFinite(d):
                            json.WriteNumberValue(d);
                            break;
                        case double:
                            json.WriteNullValue();
                            break;
                        case int n:
                            json.WriteNumberValue(n);
                            break;
                        case bool b:
                            json.WriteBooleanValue(b);
                            break;
                        default:
                            json.WriteStringValue(fields[i]!.ToString());
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private object?[] Fields() =>
    [
        Rank, CompoundId, Assay, SertKiNm, SertQualifier, NetKiNm, NetQualifier, SelectivityFold,
        SelectivityQualifier, SelectivityCi95Low, SelectivityCi95High, Preference, NSert, NNet, AssaysDisagree,
    ];

    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
