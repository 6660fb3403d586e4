using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>
/// The shipped example plates (simulated from truth.json) through the whole embedded
/// pipeline: every compound whose true IC50 lies inside the tested range comes back with a
/// Ki within 2-fold of the truth, and every one outside is reported as a bound.
/// </summary>
public sealed class ExamplePlatesTests : IClassFixture<ExamplePlatesTests.RankedExamples>
{
    private const double LowestTestedNm = 0.1;
    private const double HighestTestedNm = 10_000;
    private readonly RankedExamples _ranked;

    public ExamplePlatesTests(RankedExamples ranked) => _ranked = ranked;

    public sealed class RankedExamples : IAsyncLifetime
    {
        public EmbeddedFactory Factory { get; } = new();

        public IReadOnlyList<RankedCompound> Binding { get; private set; } = [];

        public IReadOnlyList<RankedCompound> Uptake { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var plates = TestPlates.Examples();
            var response = await TestPlates.SubmitAllAsync(Factory.Ingestion, plates);
            Assert.Equal((uint)plates.Count, response.Accepted);
            await TestPlates.WaitUntilRankedAsync(Factory.Ingestion, plates.Select(p => p.PlateId), TimeSpan.FromSeconds(60));
            Binding = await TestPlates.RankingAsync(Factory.Selectivity, AssayType.Binding);
            Uptake = await TestPlates.RankingAsync(Factory.Selectivity, AssayType.Uptake);
        }

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }

    public static TheoryData<string, string> TargetsAndAssays => new()
    {
        { "SERT", "binding" },
        { "NET", "binding" },
        { "SERT", "uptake" },
        { "NET", "uptake" },
    };

    [Theory]
    [MemberData(nameof(TargetsAndAssays))]
    public void In_range_compounds_get_a_Ki_within_twofold_of_the_truth(string target, string assay)
    {
        using var truth = TestPlates.Truth();
        var (ligand, kd) = Ligand(truth, target, assay);
        var ranking = assay == "binding" ? _ranked.Binding : _ranked.Uptake;
        var failures = new List<string>();
        foreach (var compound in truth.RootElement.GetProperty("compounds").EnumerateObject())
        {
            var ic50 = compound.Value.GetProperty("ic50_nM").GetProperty($"{target}/{assay}").GetDouble();
            if (ic50 <= LowestTestedNm || ic50 >= HighestTestedNm)
            {
                continue;
            }

            var trueKi = ic50 / (1 + (ligand / kd));
            var row = ranking.Single(r => r.CompoundId == compound.Name);
            var measured = target == "SERT" ? row.Sert : row.Net;
            var ratio = measured.Ki.ValueNm / trueKi;
            if (measured.Ki.Qualifier != Qualifier.Equal || ratio is < 0.5 or > 2)
            {
                failures.Add($"{compound.Name}: Ki {measured.Ki.Qualifier} {measured.Ki.ValueNm:G4} nM, truth {trueKi:G4} nM");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(TargetsAndAssays))]
    public void Out_of_range_compounds_are_bounds_not_numbers(string target, string assay)
    {
        using var truth = TestPlates.Truth();
        var ranking = assay == "binding" ? _ranked.Binding : _ranked.Uptake;
        foreach (var compound in truth.RootElement.GetProperty("compounds").EnumerateObject())
        {
            var ic50 = compound.Value.GetProperty("ic50_nM").GetProperty($"{target}/{assay}").GetDouble();
            if (ic50 < 3 * HighestTestedNm)
            {
                continue;
            }

            var row = ranking.Single(r => r.CompoundId == compound.Name);
            var measured = target == "SERT" ? row.Sert : row.Net;
            Assert.True(measured.Ki.Qualifier == Qualifier.Greater, $"{compound.Name} {target} {assay}: {measured.Ki.Qualifier} {measured.Ki.ValueNm} nM");
        }
    }

    [Fact]
    public void Escitalopram_binds_SERT_over_a_thousand_fold_more_tightly_than_NET()
    {
        var row = _ranked.Binding.Single(r => r.CompoundId == "ESCITALOPRAM");
        Assert.Equal(Preference.Sert, row.Preference);
        Assert.True(row.SelectivityFold > 1000, $"fold {row.SelectivityQualifier} {row.SelectivityFold}");
    }

    [Fact]
    public void Levomilnacipran_prefers_SERT_in_binding_but_NET_in_uptake()
    {
        var binding = _ranked.Binding.Single(r => r.CompoundId == "LEVOMILNACIPRAN");
        Assert.Equal(Preference.Sert, binding.Preference);
        var uptake = _ranked.Uptake.Single(r => r.CompoundId == "LEVOMILNACIPRAN");
        Assert.True(uptake.SelectivityFold < 1, $"uptake fold {uptake.SelectivityFold} [{uptake.SelectivityCi95Low}, {uptake.SelectivityCi95High}]");
        Assert.True(binding.AssaysDisagree);
        Assert.True(uptake.AssaysDisagree);
    }

    [Theory]
    [InlineData("REBOXETINE")]
    [InlineData("NISOXETINE")]
    [InlineData("DESIPRAMINE")]
    public void Noradrenergic_reference_compounds_prefer_NET(string compound)
    {
        Assert.Equal(Preference.Net, _ranked.Binding.Single(r => r.CompoundId == compound).Preference);
        Assert.Equal(Preference.Net, _ranked.Uptake.Single(r => r.CompoundId == compound).Preference);
    }

    [Fact]
    public void Only_compounds_whose_assays_point_opposite_ways_are_flagged()
    {
        var flagged = _ranked.Binding.Where(r => r.AssaysDisagree).Select(r => r.CompoundId).ToArray();
        var expected = _ranked.Binding
            .Where(b => _ranked.Uptake.Single(u => u.CompoundId == b.CompoundId) is var u
                && b.SelectivityQualifier != Qualifier.Unspecified && u.SelectivityQualifier != Qualifier.Unspecified
                && Math.Sign(Math.Log10(b.SelectivityFold)) != Math.Sign(Math.Log10(u.SelectivityFold))
                && (b.Preference != Preference.None || u.Preference != Preference.None))
            .Select(b => b.CompoundId).ToArray();
        Assert.Equal(expected, flagged);
        Assert.Contains("LEVOMILNACIPRAN", flagged);
    }

    [Fact]
    public void Ranking_puts_SERT_selective_compounds_first()
    {
        var folds = _ranked.Binding.Where(r => r.SelectivityQualifier != Qualifier.Unspecified).Select(r => Math.Log10(r.SelectivityFold)).ToArray();
        Assert.Equal(folds.OrderByDescending(f => f), folds);
        Assert.Equal(Enumerable.Range(1, _ranked.Binding.Count).Select(i => (uint)i), _ranked.Binding.Select(r => r.Rank));
    }

    private static (double Ligand, double Kd) Ligand(System.Text.Json.JsonDocument truth, string target, string assay)
    {
        var pair = truth.RootElement.GetProperty("assays").GetProperty($"{target}/{assay}");
        return (pair[0].GetDouble(), pair[1].GetDouble());
    }
}
