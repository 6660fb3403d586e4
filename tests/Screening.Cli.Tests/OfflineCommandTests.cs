namespace Screening.Cli.Tests;

/// <summary>Commands whose outcome does not need a running server.</summary>
public sealed class OfflineCommandTests : IDisposable
{
    /// <summary>Nothing listens on port 1 of loopback: connecting is refused at once.</summary>
    private const string NoServer = "http://127.0.0.1:1";

    private readonly string _directory = Directory.CreateTempSubdirectory("screen-offline-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("status", "P1")]
    [InlineData("compound", "ESCITALOPRAM")]
    [InlineData("ranking")]
    public async Task A_server_that_is_not_running_gives_one_clear_line_and_exit_code_2(params string[] command)
    {
        var (exit, output, error) = await Run([.. command, "--server", NoServer]);

        Assert.Equal(2, exit);
        Assert.Equal("screen: cannot reach the screening server at http://127.0.0.1:1: start one with `screen serve`", error.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public async Task Submitting_to_a_server_that_is_not_running_exits_with_2()
    {
        Assert.Equal(0, (await Run("simulate", _directory, "--replicates", "1")).Exit);

        var (exit, _, error) = await Run("submit", Path.Combine(_directory, "sert-binding.csv"), "--server", NoServer);

        Assert.Equal(2, exit);
        Assert.Contains("cannot reach the screening server", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Screening.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_only_broken_plates_is_rejected_locally_with_exit_code_1()
    {
        var path = Path.Combine(_directory, "broken.csv");
        await File.WriteAllTextAsync(path, """
            plate_id,target,assay,well,role,compound_id,concentration_nM,signal
            P1,SERT,binding,A1,total,,,3000
            P1,SERT,binding,A2,total,,,abc
            """);

        var (exit, output, _) = await Run("submit", path, "--server", NoServer);

        Assert.Equal(1, exit);
        Assert.Contains("broken.csv: plate P1, line 3, column signal:", output, StringComparison.Ordinal);
        Assert.Contains("No valid plates to send.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_address_defaults_to_the_embedded_hosts_port()
    {
        var (exit, output, _) = await Run("ranking", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("http://127.0.0.1:5080", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
