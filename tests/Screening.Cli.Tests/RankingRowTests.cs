using System.Text.Json;
using Screening.Cli.Output;
using Screening.Protos.V1;

namespace Screening.Cli.Tests;

public class RankingRowTests
{
    private static RankedCompound Measured() => new()
    {
        Rank = 1,
        CompoundId = "CITALOPRAM",
        Assay = AssayType.Binding,
        Sert = new TargetPotency { Ki = new Concentration { ValueNm = 1.16, Qualifier = Qualifier.Equal, Ci95LowNm = 1.0, Ci95HighNm = 1.3 }, Replicates = 3 },
        Net = new TargetPotency { Ki = new Concentration { ValueNm = 4070, Qualifier = Qualifier.Equal, Ci95LowNm = 3000, Ci95HighNm = 5000 }, Replicates = 2 },
        SelectivityFold = 3508.6,
        SelectivityQualifier = Qualifier.Equal,
        SelectivityCi95Low = 2100,
        SelectivityCi95High = 5900,
        Preference = Preference.Sert,
    };

    /// <summary>NET never reached 50 %: a lower bound, so the fold is a bound without an interval.</summary>
    private static RankedCompound Bound() => new()
    {
        Rank = 2,
        CompoundId = "ESCITALOPRAM",
        Assay = AssayType.Uptake,
        Sert = new TargetPotency { Ki = new Concentration { ValueNm = 1.1, Qualifier = Qualifier.Equal }, Replicates = 3 },
        Net = new TargetPotency { Ki = new Concentration { ValueNm = 4444.4, Qualifier = Qualifier.Greater }, Replicates = 3 },
        SelectivityFold = 4040,
        SelectivityQualifier = Qualifier.Greater,
        Preference = Preference.Sert,
    };

    /// <summary>Only tested at SERT: no NET potency, no fold.</summary>
    private static RankedCompound OneSided() => new()
    {
        Rank = 3,
        CompoundId = "CMPD-000001",
        Assay = AssayType.Binding,
        Sert = new TargetPotency { Ki = new Concentration { ValueNm = 12.5, Qualifier = Qualifier.Equal }, Replicates = 1 },
        Preference = Preference.None,
    };

    [Fact]
    public void Csv_header_lists_the_documented_columns_in_order()
    {
        var header = RankingRow.ToCsv([]).Split("\r\n")[0];
        Assert.Equal(
            "rank,compound_id,assay,sert_ki_nM,sert_qualifier,net_ki_nM,net_qualifier,selectivity_fold,selectivity_qualifier,selectivity_ci95_low,selectivity_ci95_high,preference,n_sert,n_net,assays_disagree",
            header);
    }

    [Fact]
    public void Csv_rows_use_invariant_numbers_and_empty_fields_for_missing_values()
    {
        var lines = RankingRow.ToCsv(new[] { Measured(), Bound(), OneSided() }.Select(RankingRow.From)).Split("\r\n");
        Assert.Equal("1,CITALOPRAM,binding,1.16,=,4070,=,3508.6,=,2100,5900,SERT,3,2,false", lines[1]);
        Assert.Equal("2,ESCITALOPRAM,uptake,1.1,=,4444.4,>,4040,>,,,SERT,3,3,false", lines[2]);
        Assert.Equal("3,CMPD-000001,binding,12.5,=,,,,,,,none,1,0,false", lines[3]);
        Assert.Equal(string.Empty, lines[4]);
    }

    [Fact]
    public void Csv_quotes_a_compound_id_with_a_comma_as_rfc_4180_says()
    {
        var compound = OneSided();
        compound.CompoundId = "A,\"B\"";
        var line = RankingRow.ToCsv([RankingRow.From(compound)]).Split("\r\n")[1];
        Assert.StartsWith("3,\"A,\"\"B\"\"\",binding,", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_an_array_of_objects_with_null_for_missing_numbers()
    {
        using var json = JsonDocument.Parse(RankingRow.ToJson(new[] { Measured(), Bound(), OneSided() }.Select(RankingRow.From)));
        var rows = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Equal(RankingRow.Columns, rows[0].EnumerateObject().Select(p => p.Name));

        Assert.Equal(4070, rows[0].GetProperty("net_ki_nM").GetDouble());
        Assert.Equal(2100, rows[0].GetProperty("selectivity_ci95_low").GetDouble());

        Assert.Equal(">", rows[1].GetProperty("net_qualifier").GetString());
        Assert.Equal(">", rows[1].GetProperty("selectivity_qualifier").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("selectivity_ci95_low").ValueKind);

        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("net_ki_nM").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("net_qualifier").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("selectivity_fold").ValueKind);
        Assert.Equal("none", rows[2].GetProperty("preference").GetString());
        Assert.Equal(0, rows[2].GetProperty("n_net").GetInt32());
    }

    [Fact]
    public void Json_writes_qualifiers_as_plain_symbols()
    {
        var text = RankingRow.ToJson([RankingRow.From(Bound())]);
        Assert.Contains("\"net_qualifier\": \">\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.1333, 3, "1.13")]
    [InlineData(4444.44, 3, "4,440")]
    [InlineData(7083, 2, "7,100")]
    [InlineData(0.21667, 3, "0.217")]
    [InlineData(0.00125, 2, "0.0013")]
    public void Figures_round_to_significant_digits_with_thousands_separators(double value, int digits, string expected) =>
        Assert.Equal(expected, Figures.Significant(value, digits));

    [Fact]
    public void Table_figures_show_bounds_and_intervals()
    {
        Assert.Equal("> 4,440 nM", Figures.Nanomolar(new Concentration { ValueNm = 4444.4, Qualifier = Qualifier.Greater }));
        Assert.Equal("1.10 nM", Figures.Nanomolar(new Concentration { ValueNm = 1.1, Qualifier = Qualifier.Equal }));
        Assert.Equal("7,100× [5,000–9,800]", Figures.Fold(7083, Qualifier.Equal, 5012, 9810));
        Assert.Equal("–", Figures.Fold(0, Qualifier.Unspecified, 0, 0));
    }
}
