using Screening.Protos.V1;
using Screening.Selectivity;
using Preference = Screening.Analysis.Selectivity.Preference;

namespace Screening.Services.Tests;

/// <summary>
/// The in-memory ranking against the definition of the order, written out here with LINQ:
/// SERT-selective first by log fold (highest first), NET-selective first the other way, ties by
/// compound id, compounds without a determined fold last by id in both.
/// </summary>
public sealed class RankingSnapshotTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Positions_and_pages_follow_the_definition_in_both_orders(int seed)
    {
        var random = new Random(seed);
        var entries = Enumerable.Range(0, 3000).Select(i => Entry(random, $"C{random.Next(100000):D6}-{i}")).ToArray();
        var sorted = entries.ToArray();
        Array.Sort(sorted, RankEntryComparer.Instance);
        var snapshot = new RankingSnapshot(sorted);

        foreach (var order in new[] { RankingOrder.SertSelectiveFirst, RankingOrder.NetSelectiveFirst })
        {
            var expected = Reference(entries, order);
            Assert.Equal(expected, Enumerable.Range(0, snapshot.Count).Select(i => snapshot.At(i, order).CompoundId));
            Assert.Equal(expected, snapshot.InOrder(order).Select(e => e.CompoundId));
            var position = expected.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
            Assert.All(entries, e => Assert.Equal(position[e.CompoundId], snapshot.PositionOf(e, order)));
        }

        Assert.Equal(entries.Count(e => e.Point.IsDetermined), snapshot.Determined);
        Assert.Equal(-1, snapshot.PositionOf(new RankEntry("absent", new RankPoint(1, 8, 7, Preference.Sert)), RankingOrder.SertSelectiveFirst));
    }

    [Fact]
    public void A_view_changed_compound_by_compound_reads_like_a_fresh_sort()
    {
        var random = new Random(7);
        var current = new Dictionary<string, RankPoint>(StringComparer.Ordinal);
        for (var i = 0; i < 500; i++)
        {
            current[$"C{i:D4}"] = Entry(random, "x").Point;
        }

        var view = new RankingView(current.Select(p => new RankEntry(p.Key, p.Value)));
        for (var round = 0; round < 40; round++)
        {
            // Additions, changes (some twice between reads), removals, and removals of compounds never ranked.
            for (var change = 0; change < random.Next(1, 60); change++)
            {
                var id = $"C{random.Next(700):D4}";
                if (random.NextDouble() < 0.2)
                {
                    current.Remove(id);
                    view.Apply(id, null);
                }
                else
                {
                    var point = Entry(random, id).Point;
                    current[id] = point;
                    view.Apply(id, point);
                }
            }

            var snapshot = view.Snapshot();
            var entries = current.Select(p => new RankEntry(p.Key, p.Value)).ToArray();
            Assert.Equal(current.Count, view.Count);
            foreach (var order in new[] { RankingOrder.SertSelectiveFirst, RankingOrder.NetSelectiveFirst })
            {
                Assert.Equal(Reference(entries, order), snapshot.InOrder(order).Select(e => e.CompoundId));
            }

            var probe = entries[random.Next(entries.Length)];
            var located = view.Locate(probe.CompoundId);
            Assert.NotNull(located);
            Assert.Equal(Reference(entries, RankingOrder.SertSelectiveFirst).IndexOf(probe.CompoundId),
                located.Value.Snapshot.PositionOf(located.Value.Entry, RankingOrder.SertSelectiveFirst));
        }
    }

    /// <summary>Folds on a coarse grid (so ties happen), some bounds, some undetermined.</summary>
    private static RankEntry Entry(Random random, string id)
    {
        var fold = random.NextDouble() switch
        {
            < 0.15 => double.NaN,
            < 0.3 => random.Next(-3, 4),
            var _ => Math.Round((random.NextDouble() * 8) - 4, 2),
        };
        var preference = double.IsNaN(fold) ? Preference.None : fold > 0.5 ? Preference.Sert : fold < -0.5 ? Preference.Net : Preference.None;
        return new RankEntry(id, new RankPoint(fold, 7 + random.NextDouble(), 6 + random.NextDouble(), preference));
    }

    private static List<string> Reference(IEnumerable<RankEntry> entries, RankingOrder order)
    {
        var determined = entries.Where(e => double.IsFinite(e.Point.Log10Fold));
        var ordered = order == RankingOrder.NetSelectiveFirst
            ? determined.OrderBy(e => e.Point.Log10Fold).ThenBy(e => e.CompoundId, StringComparer.Ordinal)
            : determined.OrderByDescending(e => e.Point.Log10Fold).ThenBy(e => e.CompoundId, StringComparer.Ordinal);
        return ordered.Concat(entries.Where(e => !double.IsFinite(e.Point.Log10Fold)).OrderBy(e => e.CompoundId, StringComparer.Ordinal))
            .Select(e => e.CompoundId)
            .ToList();
    }
}
