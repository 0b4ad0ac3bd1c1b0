namespace HealthGateway.UnitNode.Tests.Support;

/// <summary>Polls a condition with a generous timeout: for state that changes without an event to await.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {because}");
            await Task.Delay(20);
        }
    }
}
