using Grpc.Core;
using Grpc.Health.V1;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>
/// Every gRPC method and page needs a token with the right permission; callers without one
/// are refused with the right status and nothing is stored. Health stays open for probes.
/// </summary>
public sealed class SecurityTests : IClassFixture<EmbeddedFactory>
{
    private readonly EmbeddedFactory _factory;

    public SecurityTests(EmbeddedFactory factory) => _factory = factory;

    [Theory]
    [InlineData(null, StatusCode.Unauthenticated)]
    [InlineData("not-a-known-token", StatusCode.Unauthenticated)]
    [InlineData(EmbeddedFactory.ReaderToken, StatusCode.PermissionDenied)]
    public async Task Submitting_without_the_submit_permission_is_refused_and_nothing_is_stored(string? token, StatusCode expected)
    {
        var plate = Plate();
        using var channel = _factory.ChannelWith(token);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new PlateIngestion.PlateIngestionClient(channel).SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
        await AssertNotStoredAsync(plate.PlateId);
    }

    [Fact]
    public async Task Bulk_upload_without_the_submit_permission_is_refused_and_nothing_is_stored()
    {
        var plate = Plate();
        using var channel = _factory.ChannelWith(EmbeddedFactory.ReaderToken);
        var error = await Assert.ThrowsAsync<RpcException>(() => TestPlates.SubmitAllAsync(new PlateIngestion.PlateIngestionClient(channel), [plate]));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        await AssertNotStoredAsync(plate.PlateId);
    }

    [Fact]
    public async Task Reading_needs_the_read_permission()
    {
        using var none = _factory.ChannelWith(null);
        using var submitter = _factory.ChannelWith(EmbeddedFactory.SubmitterToken);
        using var reader = _factory.ChannelWith(EmbeddedFactory.ReaderToken);
        var request = new GetRankingRequest { Assay = Protos.V1.AssayType.Binding };

        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() =>
            new Protos.V1.Selectivity.SelectivityClient(none).GetRankingAsync(request, deadline: Deadline()).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
            new Protos.V1.Selectivity.SelectivityClient(submitter).GetRankingAsync(request, deadline: Deadline()).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
            new CurveFitting.CurveFittingClient(submitter).FitCurvesAsync(new FitCurvesRequest(), deadline: Deadline()).ResponseAsync)).StatusCode);
        await new Protos.V1.Selectivity.SelectivityClient(reader).GetRankingAsync(request, deadline: Deadline());
    }

    [Fact]
    public async Task A_submitter_may_submit_but_replacing_a_plate_needs_admin()
    {
        var plate = Plate();
        using var channel = _factory.ChannelWith(EmbeddedFactory.SubmitterToken);
        var client = new PlateIngestion.PlateIngestionClient(channel);
        await client.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline());

        var changed = plate.Clone();
        changed.Wells[0].Signal += 1;
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.SubmitPlateAsync(new SubmitPlateRequest { Plate = changed, Replace = true }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);

        var stored = await _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: Deadline());
        Assert.Equal(1u, stored.Revision);
    }

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        using var none = _factory.ChannelWith(null);
        var health = await new Health.HealthClient(none).CheckAsync(new HealthCheckRequest(), deadline: Deadline());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task The_web_view_needs_a_token_and_keeps_one_given_in_the_address_as_a_cookie()
    {
        using var anonymous = _factory.Server.CreateClient();
        using var refused = await anonymous.GetAsync(new Uri("/ranking", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        using var withToken = await anonymous.GetAsync(new Uri("/ranking?token=" + TestAuth.Token, UriKind.Relative));
        Assert.True(withToken.IsSuccessStatusCode, withToken.StatusCode.ToString());
        Assert.Contains(withToken.Headers.GetValues("Set-Cookie"), c => c.StartsWith("screening_token=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_caller_over_its_submission_rate_is_told_to_slow_down()
    {
        using var limited = new EmbeddedFactory { Settings = new Dictionary<string, string?> { ["Auth:SubmitPlatesPerSecond"] = "1" } };
        var client = limited.Ingestion;
        var plates = TestPlates.Simulated(compounds: 16, replicates: 1);
        var statuses = new List<StatusCode>();
        foreach (var plate in plates.Take(6))
        {
            try
            {
                await client.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: Deadline());
                statuses.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                statuses.Add(e.StatusCode);
            }
        }

        Assert.Contains(StatusCode.OK, statuses);
        Assert.Contains(StatusCode.ResourceExhausted, statuses);
        Assert.DoesNotContain(StatusCode.Unavailable, statuses);
    }

    private static Plate Plate()
    {
        var plate = TestPlates.Simulated(compounds: 1, replicates: 1)[0];
        plate.PlateId = "SEC-" + Guid.NewGuid().ToString("N")[..10];
        return plate;
    }

    private async Task AssertNotStoredAsync(string plateId)
    {
        var lookup = await Assert.ThrowsAsync<RpcException>(() =>
            _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plateId }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
