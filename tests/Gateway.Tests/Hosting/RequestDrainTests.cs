using HealthGateway.Gateway.Hosting;

namespace HealthGateway.Gateway.Tests.Hosting;

public sealed class RequestDrainTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task With_nothing_in_flight_a_drain_ends_at_once_and_turns_new_requests_away()
    {
        var drain = new RequestDrain();
        Assert.False(drain.IsDraining);

        await drain.DrainAsync(Long).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(drain.IsDraining);
    }

    [Fact]
    public async Task A_drain_waits_for_every_request_in_flight()
    {
        var drain = new RequestDrain();
        drain.Enter();
        drain.Enter();

        var drained = drain.DrainAsync(Long);
        drain.Exit();
        Assert.False(drained.IsCompleted, "the drain ended with a request still in flight");
        Assert.Equal(1, drain.InFlight);

        drain.Exit();
        await drained.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, drain.InFlight);
    }

    [Fact]
    public async Task A_drain_gives_up_on_a_request_that_never_ends()
    {
        var drain = new RequestDrain();
        drain.Enter();

        await drain.DrainAsync(TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, drain.InFlight);
    }

    [Fact]
    public async Task A_second_drain_of_a_drained_node_ends_at_once()
    {
        var drain = new RequestDrain();
        drain.Enter();
        var first = drain.DrainAsync(Long);
        drain.Exit();
        await first.WaitAsync(TimeSpan.FromSeconds(30));

        await drain.DrainAsync(Long).WaitAsync(TimeSpan.FromSeconds(30));
    }
}

public sealed class ShutdownDrainTimeoutOptionTests
{
    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:00:10", true)]
    [InlineData("00:01:00", true)]
    [InlineData("00:01:01", false)]
    [InlineData("-00:00:01", false)]
    public void The_drain_timeout_is_refused_outside_zero_to_a_minute(string value, bool valid)
    {
        var options = new GatewayOptions { ShutdownDrainTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var ok = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.Equal(valid, ok);
        if (!valid) Assert.Contains(results, r => r.MemberNames.Contains(nameof(GatewayOptions.ShutdownDrainTimeout)));
    }
}
