namespace Screening.Cli.Tests;

public class DemoCommandTests
{
    [Fact]
    public async Task Demo_runs_the_whole_pipeline_and_calls_out_the_highlighted_compounds()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Cli.RunAsync(["demo"], output, error);

        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        Assert.Contains("binding (radioligand competition binding)", text, StringComparison.Ordinal);
        Assert.Contains("uptake (reuptake inhibition)", text, StringComparison.Ordinal);
        Assert.Contains("escitalopram: SERT-preferring in binding", text, StringComparison.Ordinal);
        Assert.Contains("levomilnacipran: SERT-preferring in binding", text, StringComparison.Ordinal);
        Assert.Contains("NET-preferring in uptake", text, StringComparison.Ordinal);
    }
}
