using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>
/// Every rule of the plate format, over gRPC: INVALID_ARGUMENT with a google.rpc.BadRequest
/// field violation naming the field (and the well where there is one), and nothing stored.
/// </summary>
public sealed class BadInputTests : IClassFixture<EmbeddedFactory>
{
    private readonly EmbeddedFactory _factory;

    public BadInputTests(EmbeddedFactory factory) => _factory = factory;

    public static TheoryData<string, string, string?> Cases => new()
    {
        // case name, expected field path (with {i} for the mutated well's index), expected text in the description
        { "malformed well id", "plate.wells[{i}].well_id", "not a well id" },
        { "well outside the format", "plate.wells[{i}].well_id", "outside a 384-well plate" },
        { "duplicate well", "plate.wells[{i}].well_id", "more than once" },
        { "sample without compound", "plate.wells[{i}].compound_id", "compound_id" },
        { "sample without concentration", "plate.wells[{i}].concentration_nm", "concentration" },
        { "negative concentration", "plate.wells[{i}].concentration_nm", "> 0" },
        { "NaN signal", "plate.wells[{i}].signal", "finite" },
        { "infinite concentration", "plate.wells[{i}].concentration_nm", "finite" },
        { "negative signal", "plate.wells[{i}].signal", ">= 0" },
        { "missing signal", "plate.wells[{i}].signal", "signal is required" },
        { "missing role", "plate.wells[{i}].role", "role is required" },
        { "bad compound id", "plate.wells[{i}].compound_id", "compound_id" },
        { "empty plate id", "plate.plate_id", "plate_id" },
        { "oversized plate id", "plate.plate_id", "plate_id" },
        { "plate id with spaces", "plate.plate_id", "plate_id" },
        { "unknown target", "plate.target", "target" },
        { "unknown assay", "plate.assay", "assay" },
        { "bad plate format", "plate.plate_format", "plate_format" },
        { "ligand without Kd", "plate.ligand_kd_nm", null },
        { "negative Kd", "plate.ligand_kd_nm", "> 0" },
        { "too few total wells", "plate.wells", "total" },
        { "too few nsb wells", "plate.wells", "nsb" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_plate_breaking_a_rule_is_refused_with_the_field_named_and_nothing_stored(string name, string field, string? text)
    {
        var plate = TestPlates.Simulated(compounds: 1, replicates: 1)[0];
        plate.PlateId = "BAD-" + Guid.NewGuid().ToString("N")[..8];
        var index = Break(plate, name);
        if (name is "empty plate id" or "oversized plate id" or "plate id with spaces")
        {
            index = -1;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        var expectedField = field.Replace("{i}", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var violation = violations.FirstOrDefault(v => v.Field == expectedField);
        Assert.True(violation is not null, $"{name}: no violation of {expectedField} in [{string.Join("; ", violations.Select(v => v.Field + ": " + v.Description))}]");
        if (text is not null)
        {
            Assert.Contains(text, violation.Description, StringComparison.OrdinalIgnoreCase);
        }

        if (index >= 0 && name != "duplicate well")
        {
            Assert.Contains(plate.Wells[index].WellId.Trim().ToUpperInvariant().TrimStart(), violation.Description.ToUpperInvariant(), StringComparison.Ordinal);
        }

        if (plate.PlateId.Length is > 0 and <= 64 && !plate.PlateId.Contains(' ', StringComparison.Ordinal))
        {
            var lookup = await Assert.ThrowsAsync<RpcException>(() =>
                _factory.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plate.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
        }
    }

    [Fact]
    public async Task A_1536_well_plate_fits_the_message_size_limit()
    {
        var plate = Screening.Analysis.Plates.PlateSimulator.Simulate(
            Screening.Analysis.Plates.ReferencePanel.Default,
            new Screening.Analysis.Plates.SimulationOptions(Format: Screening.Analysis.Plates.PlateFormat.Wells1536, ReplicatePlates: 1, PlateIdPrefix: "BIG"))[0];
        var proto = plate.ToInput().ToProto();
        Assert.Equal(1536, proto.Wells.Count);

        var response = await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = proto }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(proto.PlateId, response.PlateId);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_as_resource_exhausted()
    {
        var plate = TestPlates.Simulated(compounds: 1, replicates: 1)[0];
        plate.Wells[0].CompoundId = new string('X', 20 * 1024 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Theory]
    [InlineData("Ingestion:MaxPlatesPerStream")]
    [InlineData("Ingestion:MaxStreamBytes")]
    public async Task An_upload_stream_over_its_cap_is_cut_with_resource_exhausted_and_keeps_what_came_before(string setting)
    {
        var plates = TestPlates.Simulated(compounds: 16, replicates: 1).Take(4).ToArray();

        // Room for two plates, not three.
        var twoPlates = new SubmitPlateRequest { Plate = plates[0] }.CalculateSize() + new SubmitPlateRequest { Plate = plates[1] }.CalculateSize();
        var cap = setting.EndsWith("Bytes", StringComparison.Ordinal) ? (twoPlates + 100).ToString(System.Globalization.CultureInfo.InvariantCulture) : "2";
        using var capped = new EmbeddedFactory { Settings = new Dictionary<string, string?> { [setting] = cap } };

        var error = await Assert.ThrowsAsync<RpcException>(() => TestPlates.SubmitAllAsync(capped.Ingestion, plates));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        foreach (var kept in plates.Take(2))
        {
            var stored = await capped.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = kept.PlateId }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(kept.PlateId, stored.PlateId);
        }

        var beyond = await Assert.ThrowsAsync<RpcException>(() =>
            capped.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plates[2].PlateId }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, beyond.StatusCode);
    }

    /// <summary>Breaks one rule; returns the index of the well it broke (or -1 for plate-level rules).</summary>
    private static int Break(Plate plate, string name)
    {
        int First(WellRole role) => plate.Wells.Select((w, i) => (w, i)).First(x => x.w.Role == role).i;
        var sample = First(WellRole.Sample);
        switch (name)
        {
            case "malformed well id": plate.Wells[sample].WellId = "A-1"; return sample;
            case "well outside the format": plate.Wells[sample].WellId = "Q30"; plate.PlateFormat = 384; return sample;
            case "duplicate well":
                var second = First(WellRole.Sample) + 1;
                plate.Wells[second].WellId = plate.Wells[sample].WellId;
                return second;
            case "sample without compound": plate.Wells[sample].CompoundId = string.Empty; return sample;
            case "sample without concentration": plate.Wells[sample].ClearConcentrationNm(); return sample;
            case "negative concentration": plate.Wells[sample].ConcentrationNm = -1; return sample;
            case "NaN signal": plate.Wells[sample].Signal = double.NaN; return sample;
            case "infinite concentration": plate.Wells[sample].ConcentrationNm = double.PositiveInfinity; return sample;
            case "negative signal": plate.Wells[sample].Signal = -5; return sample;
            case "missing signal": plate.Wells[sample].ClearSignal(); return sample;
            case "missing role": plate.Wells[sample].Role = WellRole.Unspecified; return sample;
            case "bad compound id": plate.Wells[sample].CompoundId = "no spaces allowed"; return sample;
            case "empty plate id": plate.PlateId = string.Empty; return -1;
            case "oversized plate id": plate.PlateId = new string('P', 65); return -1;
            case "plate id with spaces": plate.PlateId = "PLATE 1"; return -1;
            case "unknown target": plate.Target = Target.Unspecified; return -1;
            case "unknown assay": plate.Assay = AssayType.Unspecified; return -1;
            case "bad plate format": plate.PlateFormat = 100; return -1;
            case "ligand without Kd": plate.ClearLigandKdNm(); return -1;
            case "negative Kd": plate.LigandKdNm = -1; return -1;
            case "too few total wells":
                foreach (var w in plate.Wells.Where(w => w.Role == WellRole.Total).Skip(1))
                {
                    w.Role = WellRole.Empty;
                    w.ClearSignal();
                }

                return -1;
            case "too few nsb wells":
                foreach (var w in plate.Wells.Where(w => w.Role == WellRole.Nsb).Skip(1))
                {
                    w.Role = WellRole.Empty;
                    w.ClearSignal();
                }

                return -1;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }
}
