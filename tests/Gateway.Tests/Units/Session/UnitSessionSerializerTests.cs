using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

public sealed class UnitSessionSerializerTests : TestKit
{
    public static TheoryData<object> Events => new()
    {
        new ConnectionAttached(3, new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), "UnitNode/1.2"),
        new UnitChangesAccepted(9000, 500, new DateTimeOffset(2026, 11, 26, 10, 0, 1, TimeSpan.Zero)),
        new UnitSessionSnapshot(3, 9000, new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), "UnitNode/1.2"),
        new UnitSessionSnapshot(0, 0, null, null),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Round_trips_through_manifest_and_bytes(object evt)
    {
        var serializer = new UnitSessionSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(evt);
        var back = serializer.FromBinary(bytes, serializer.Manifest(evt));
        Assert.Equal(evt, back);
    }

    [Fact]
    public void Stored_format_is_plain_json_without_type_names()
    {
        var serializer = new UnitSessionSerializer((ExtendedActorSystem)Sys);
        var json = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(new UnitChangesAccepted(7, 1, DateTimeOffset.UnixEpoch)));
        Assert.Contains("\"upToSeq\":7", json);
        Assert.DoesNotContain("HealthGateway", json);
    }

    [Fact]
    public void Unknown_manifest_is_refused()
    {
        var serializer = new UnitSessionSerializer((ExtendedActorSystem)Sys);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "nope.v9"));
    }
}
