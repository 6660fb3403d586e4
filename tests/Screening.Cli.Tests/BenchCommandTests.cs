using System.Text.Json;
using Screening.Cli.Bench;

namespace Screening.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public async Task Bench_on_the_embedded_server_ranks_every_plate_and_reports_latency_and_memory()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Cli.RunAsync(["bench", "--plates", "6", "--format", "96", "--concurrency", "2", "--warmup", "2", "--json"], output, error);

        Assert.True(exit == 0, output.ToString() + error);
        using var json = JsonDocument.Parse(output.ToString());
        var report = json.RootElement;
        int Int(string name) => report.GetProperty(name).GetInt32();
        Assert.Equal(6, Int("plates"));
        Assert.Equal(6, Int("accepted"));
        Assert.Equal(6, Int("ranked") + Int("ranked_without_update"));
        Assert.Equal(0, Int("missing") + Int("failed") + Int("rejected"));
        Assert.Equal(18, Int("curves"));
        Assert.True(report.GetProperty("setup").GetProperty("embedded").GetBoolean());
        Assert.True(report.GetProperty("end_to_end_plates_per_second").GetDouble() > 0);
        Assert.True(report.GetProperty("fitted_curves_per_second").GetDouble() > 0);

        var latency = report.GetProperty("submit_to_ranked_latency_ms");
        Assert.Equal(Int("ranked"), latency.GetProperty("count").GetInt32());
        var (p50, p95, p99, max) = (latency.GetProperty("p50").GetDouble(), latency.GetProperty("p95").GetDouble(),
            latency.GetProperty("p99").GetDouble(), latency.GetProperty("max").GetDouble());
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 <= max, latency.ToString());

        if (OperatingSystem.IsLinux())
        {
            var self = Assert.Single(report.GetProperty("processes").EnumerateArray());
            Assert.Equal(Environment.ProcessId, self.GetProperty("pid").GetInt32());
            Assert.True(self.GetProperty("peak_resident_bytes").GetInt64() >= self.GetProperty("resident_bytes").GetInt64());
            Assert.True(self.GetProperty("cpu_seconds").GetDouble() > 0);
        }
    }

    [Theory]
    [InlineData("--concurrency", "0", "--concurrency must be between 1 and 1024")]
    [InlineData("--plates", "0", "--plates must be between 1 and 1000000")]
    [InlineData("--rate", "0", "--rate must be a number of plates per second above 0")]
    [InlineData("--format", "200", "200")]
    [InlineData("--measure", "fitting", "expected LABEL=PID")]
    [InlineData("--selectivity", "http://127.0.0.1:5083", "--selectivity needs --server")]
    public async Task Bench_refuses_bad_options_before_simulating_anything(string option, string value, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Cli.RunAsync(["bench", option, value], output, error);

        Assert.NotEqual(0, exit);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Simulating", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_percentiles_are_nearest_rank()
    {
        var latency = LatencySummary.Of(Enumerable.Range(1, 200).Select(i => (double)i));

        Assert.Equal(new LatencySummary(200, 100, 190, 198, 200), latency);
        Assert.Null(LatencySummary.Of([]).P99);
    }
}
